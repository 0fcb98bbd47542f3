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
    displayUnreadCount: false,
    // The typing pause before each reply: rasa-webchat 1.0.1 waits 30 ms a character, 0.8 to 3 s, so a
    // four-part answer took up to 12 s to appear. A patient asking about a reaction should not wait for
    // effect: 10 ms a character, 0.3 to 1.2 s, still long enough to see that several messages arrive.
    customMessageDelay: function (message) {
      return Math.min(1200, Math.max(300, 10 * message.length));
    }
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
