"""Channel subclasses where Rasa's built-in channels fall short (origins, webhook checks, base URLs)."""
