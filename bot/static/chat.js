// Minimal chat client for the demo page. Renders every text as text, never as HTML.
(function () {
  "use strict";
  var log = document.getElementById("lotse-log");
  var form = document.getElementById("lotse-form");
  var input = document.getElementById("lotse-input");
  var status = document.getElementById("lotse-status");
  var KEY = "lotse.sender_id";
  var senderId = localStorage.getItem(KEY);
  if (!senderId) {
    senderId = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2)).replace(/[^A-Za-z0-9-]/g, "");
    localStorage.setItem(KEY, senderId);
  }
  var hint = (navigator.language || "de").slice(0, 8);

  function add(role, text, buttons) {
    var item = document.createElement("li");
    item.className = role;
    item.dir = "auto";
    item.textContent = text;
    if (buttons && buttons.length) {
      var chips = document.createElement("div");
      chips.className = "lotse-chips";
      buttons.forEach(function (b) {
        var chip = document.createElement("button");
        chip.type = "button";
        chip.textContent = b.title;
        chip.addEventListener("click", function () { send(b.payload, b.title); });
        chips.appendChild(chip);
      });
      item.appendChild(chips);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  // shown: the text for the resident's bubble; false for none (the greeting request).
  function send(text, shown) {
    if (shown !== false) add("user", shown || text);
    status.textContent = "…";
    fetch("/api/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender_id: senderId, text: text, language_hint: hint })
    }).then(function (r) { return r.json(); }).then(function (data) {
      status.textContent = "";
      (data.messages || []).forEach(function (m) { add("bot", m.text, m.buttons); });
    }).catch(function () {
      status.textContent = "Keine Verbindung. Bitte später erneut versuchen. / No connection, please try again.";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
  send("/greet", false);
})();
