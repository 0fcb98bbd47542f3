// Start the rasa-webchat widget (socket.io to the Rasa server) and give its controls accessible names.
(function () {
  var cfg = window.CLINIC_CHAT || {};
  document.getElementById("clinic-name").textContent = cfg.clinicName || "Our clinic";
  WebChat.default({
    selector: "#webchat",
    initPayload: "/greet",
    socketUrl: cfg.rasaUrl,
    socketPath: "/socket.io/",
    title: cfg.clinicName || "Clinic assistant",
    subtitle: "Questions about facial mesotherapy",
    inputTextFieldHint: "Type your question",
    params: { storage: "local" },      // the session id survives a page reload
    customData: { language: "en" },
    showMessageDate: false,
    displayUnreadCount: false
  }, null);

  // rasa-webchat 1.0.1 renders icon-only buttons and an input without labels: name them for screen
  // readers and keyboard users whenever the widget re-renders.
  var names = [
    [".rw-launcher", "Open the chat"],
    [".rw-close-button", "Close the chat"],
    [".rw-new-message", "Your message"],
    [".rw-send", "Send"]
  ];
  function label() {
    names.forEach(function (pair) {
      document.querySelectorAll(pair[0]).forEach(function (el) {
        if (!el.getAttribute("aria-label")) { el.setAttribute("aria-label", pair[1]); }
      });
    });
  }
  new MutationObserver(label).observe(document.body, { childList: true, subtree: true });
  label();
})();
