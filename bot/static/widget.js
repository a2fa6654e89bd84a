// Lotse website widget. Embed: <script src="https://GATEWAY/widget.js" defer></script>
// Options (data-* on that script tag) are documented in docs/widget.md. The gateway serves
// widget-helpers.js and this file as /widget.js, in one function scope, with the texts of
// content/widget.yml filled in below. All text is rendered as text, never as HTML.
(function () {
  "use strict";
  const BUNDLE = /*LOTSE:BUNDLE*/null;
  const CSS_VERSION = /*LOTSE:CSS_VERSION*/"";
  const script = document.currentScript;
  if (!BUNDLE || !script) {
    console.error("Lotse widget: embed it as <script src=\"https://GATEWAY/widget.js\"></script>");
    return;
  }
  if (document.querySelector("lotse-widget")) return; // embedded twice

  const TIMEOUT_MS = 30000;
  const MAX_STORED_MESSAGES = 200;
  const LANGUAGES = new Map(BUNDLE.languages.map((l) => [l.code, l]));
  const config = readConfig(script);
  const storeKey = "lotse-widget:" + config.server;
  let state = loadState() || freshState(config.lang);
  let busy = false;
  let failed = null; // the message whose delivery failed: {text, shown, fromInput}
  const labels = []; // [node, key, attribute] relabelled when the language changes

  // ---- configuration, language, storage ----------------------------------------------------
  function readConfig(tag) {
    const data = tag.dataset;
    return {
      server: (data.lotseServer || new URL(tag.src, location.href).origin).replace(/\/+$/, ""),
      lang: pickLanguage(LANGUAGES, [...(navigator.languages || [navigator.language]), data.lang])
        || BUNDLE.default,
      color: accentColor(data.color),
      position: data.position === "left" ? "left" : "right",
    };
  }

  function freshState(lang) {
    return { id: null, lang, dir: LANGUAGES.get(lang).dir, open: false, draft: "", messages: [] };
  }

  function loadState() {
    try {
      const saved = JSON.parse(localStorage.getItem(storeKey));
      if (saved && /^[a-f0-9]{32}$/.test(saved.id) && Array.isArray(saved.messages)
          && LANGUAGES.has(saved.lang)) return saved;
    } catch (error) { /* unreadable: start anew */ }
    return null;
  }

  // Nothing is stored before the panel is first opened (the id is made on the first send).
  function saveState() {
    if (!state.id) return;
    state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
    try {
      localStorage.setItem(storeKey, JSON.stringify(state));
    } catch (error) { /* storage full or blocked: the conversation lives in memory only */ }
  }

  function t(key) {
    return (BUNDLE.strings[state.lang] || {})[key] || BUNDLE.strings[BUNDLE.default][key] || key;
  }

  // ---- DOM helpers ----------------------------------------------------------------------------
  function label(node, key, attribute) {
    labels.push([node, key, attribute]);
    return node;
  }

  function relabel() {
    for (const [node, key, attribute] of labels) {
      if (attribute) node.setAttribute(attribute, t(key));
      else node.textContent = t(key);
    }
  }

  function iconButton(name, key, extra) {
    return label(el("button", Object.assign({ type: "button", class: "icon-button " + name }, extra),
      [icon(name)]), key, "aria-label");
  }

  // ---- the widget's elements -----------------------------------------------------------------
  const host = document.createElement("lotse-widget");
  const root = host.attachShadow({ mode: "open" });
  const wrapper = el("aside", { class: "lotse", "data-position": config.position,
    "aria-label": "Lotse" });
  wrapper.hidden = true; // until the stylesheet has loaded
  wrapper.style.setProperty("--lotse-accent", config.color);
  const stylesheet = el("link", { rel: "stylesheet",
    href: config.server + "/widget.css?v=" + CSS_VERSION });
  stylesheet.addEventListener("load", () => { wrapper.hidden = false; });
  stylesheet.addEventListener("error", () => { wrapper.hidden = false; });

  const launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false",
    "aria-controls": "lotse-panel" }, [icon("chat"), label(el("span"), "launcher")]);
  const languageButton = iconButton("globe", "language",
    { "aria-expanded": "false", "aria-controls": "lotse-languages" });
  const deleteButton = iconButton("trash", "delete");
  const closeButton = iconButton("close", "close");
  const languageList = el("ul", { class: "language-list" });
  const languageMenu = label(el("nav", { id: "lotse-languages", class: "languages", hidden: "" },
    [languageList]), "language", "aria-label");
  const confirmYes = label(el("button", { type: "button", class: "danger" }), "delete_yes");
  const confirmNo = label(el("button", { type: "button", class: "secondary" }), "cancel");
  const confirmBox = el("div", { class: "confirm", role: "group", hidden: "",
    "aria-labelledby": "lotse-confirm-text" },
  [label(el("p", { id: "lotse-confirm-text" }), "delete_confirm"), confirmYes, confirmNo]);
  const log = label(el("div", { class: "log", role: "log", "aria-live": "polite", tabindex: "0" }),
    "conversation", "aria-label");
  const typing = el("div", { class: "typing", role: "status" });
  const errorText = el("p", { class: "error-text" });
  const errorDetail = el("p", { class: "error-detail", dir: "auto" });
  const retryButton = label(el("button", { type: "button", class: "retry" }), "retry");
  const errorBox = el("div", { class: "error", role: "alert", hidden: "" },
    [errorText, errorDetail, retryButton]);
  const input = label(el("textarea", { id: "lotse-input", rows: "1", maxlength: "2000", dir: "auto",
    autocomplete: "off" }), "placeholder", "placeholder");
  const sendButton = label(el("button", { type: "submit", class: "send" }), "send");
  const inputLabel = label(el("label", { for: "lotse-input", class: "visually-hidden" }), "input_label");
  const form = el("form", { class: "composer" }, [inputLabel, input, sendButton]);
  const panel = el("section", { id: "lotse-panel", class: "panel", role: "dialog",
    "aria-labelledby": "lotse-title", hidden: "" }, [
    el("header", { class: "head" }, [
      el("div", { class: "titles" }, [el("h2", { id: "lotse-title" }, ["Lotse"]),
        label(el("p", { class: "subtitle" }), "subtitle")]),
      languageButton, deleteButton, closeButton]),
    languageMenu, confirmBox, log, typing, errorBox, form]);

  for (const language of BUNDLE.languages) {
    const choice = el("button", { type: "button", lang: language.code, dir: language.dir,
      "data-lang": language.code }, [language.name]);
    choice.addEventListener("click", () => {
      toggleLanguages(false);
      input.focus();
      send(`/change_language{"language": "${language.code}"}`, language.name);
    });
    languageList.append(el("li", {}, [choice]));
  }
  wrapper.append(launcher, panel);
  root.append(stylesheet, wrapper);

  // ---- rendering ------------------------------------------------------------------------------
  function applyLanguage(lang, dir) {
    if (!LANGUAGES.has(lang)) return;
    state.lang = lang;
    state.dir = dir === "rtl" || dir === "ltr" ? dir : LANGUAGES.get(lang).dir;
    for (const node of [wrapper, panel]) {
      node.lang = lang;
      node.dir = state.dir;
    }
    relabel();
    for (const choice of languageList.querySelectorAll("button")) {
      if (choice.dataset.lang === lang) choice.setAttribute("aria-current", "true");
      else choice.removeAttribute("aria-current");
    }
  }

  function renderMessage(message, index) {
    const mine = message.from === "user";
    const bubble = el("p", { class: "bubble", dir: "auto" });
    if (mine) bubble.textContent = message.text;
    else appendLinkedText(bubble, message.text);
    const speaker = label(el("span", { class: "visually-hidden" }), mine ? "you" : "assistant");
    const node = el("div", { class: "msg " + (mine ? "user" : "bot"), "data-index": String(index) },
      [speaker, bubble]);
    if (message.lang) node.lang = message.lang;
    if (message.buttons && message.buttons.length) {
      const chips = el("div", { class: "chips" });
      for (const button of message.buttons) {
        const chip = el("button", { type: "button", class: "chip", dir: "auto" }, [button.title]);
        chip.addEventListener("click", () => {
          input.focus();
          send(button.payload, button.title);
        });
        chips.append(chip);
      }
      node.append(chips);
    }
    log.append(node);
    return node;
  }

  function renderLog() {
    labels.splice(0, labels.length, ...labels.filter(([node]) => !log.contains(node)));
    log.replaceChildren();
    state.messages.forEach(renderMessage);
    refreshChips();
    log.scrollTop = log.scrollHeight;
  }

  // Only the answers to the resident's last message keep usable buttons.
  function refreshChips() {
    let lastUser = -1;
    state.messages.forEach((message, index) => { if (message.from === "user") lastUser = index; });
    for (const node of log.querySelectorAll(".msg")) {
      const stale = Number(node.dataset.index) < lastUser;
      for (const chip of node.querySelectorAll(".chip")) chip.disabled = stale || busy;
    }
  }

  function addMessages(messages) {
    const nodes = messages.map((message) => {
      state.messages.push(message);
      return renderMessage(message, state.messages.length - 1);
    });
    refreshChips();
    const first = nodes[0];
    if (!first) return;
    if (first.classList.contains("user")) {
      log.scrollTop = log.scrollHeight;
      return;
    }
    // A long answer is read from its start, below the question it answers.
    const question = first.previousElementSibling;
    const anchor = question && question.classList.contains("user") ? question : first;
    log.scrollTop = anchor.offsetTop - 8;
  }

  function setBusy(value) {
    busy = value;
    input.readOnly = value;
    form.setAttribute("aria-busy", String(value));
    typing.replaceChildren();
    if (value) {
      typing.append(t("typing"), el("span", { class: "dots", "aria-hidden": "true" },
        [el("span"), el("span"), el("span")]));
    }
    refreshChips();
  }

  function showError(detail) {
    errorBox.hidden = false;
    errorText.textContent = t("offline");
    errorDetail.replaceChildren();
    if (detail) appendLinkedText(errorDetail, detail);
    errorDetail.hidden = !detail;
  }

  // ---- talking to the gateway -----------------------------------------------------------------
  // shown: the text of the resident's bubble (a button's title), null for none (/greet).
  async function send(text, shown, fromInput) {
    if (busy) return;
    if (!state.id) state.id = newId();
    failed = null;
    errorBox.hidden = true;
    if (shown !== null) addMessages([{ from: "user", text: shown }]);
    setBusy(true);
    saveState();
    let status = 0;
    let data = null;
    try {
      const response = await fetch(config.server + "/api/messages", {
        method: "POST", mode: "cors", credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender_id: state.id, text, language_hint: state.lang }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = response.status;
      data = await response.json().catch(() => null);
    } catch (error) { /* network error or time-out: handled below */ }
    setBusy(false);
    if (status !== 200 || !data || !Array.isArray(data.messages)) {
      deliveryFailed({ text, shown, fromInput }, data && data.unavailable ? data.messages : []);
      return;
    }
    if (data.erased) erase();
    applyLanguage(data.language, data.direction);
    const replies = data.messages.map((m) => ({ from: "bot", text: String(m.text || ""),
      buttons: m.buttons || [], lang: state.lang }));
    addMessages(replies);
    if (data.erased) state.messages = []; // the confirmation is shown, not kept
    saveState();
  }

  // The failed message leaves the conversation; typed text goes back into the input.
  function deliveryFailed(message, serverMessages) {
    failed = message;
    if (message.shown !== null) {
      state.messages.pop();
      log.lastElementChild.remove();
      refreshChips();
    }
    if (message.fromInput && !input.value) {
      input.value = message.text;
      state.draft = message.text;
    }
    saveState();
    showError(serverMessages.map((m) => String(m.text || "")).join("\n"));
  }

  function submitInput() {
    const text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    state.draft = "";
    resizeInput();
    send(text, text, true);
  }

  function retry() {
    if (!failed) return;
    if (failed.fromInput && input.value.trim()) submitInput();
    else send(failed.text, failed.shown, failed.fromInput);
    input.focus();
  }

  function erase() {
    try { localStorage.removeItem(storeKey); } catch (error) { /* nothing stored */ }
    state = Object.assign(freshState(state.lang), { open: true });
    renderLog();
  }

  // ---- opening, closing, keyboard -------------------------------------------------------------
  function setOpen(open, moveFocus) {
    panel.hidden = !open;
    wrapper.classList.toggle("is-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    state.open = open;
    saveState();
    if (!open) {
      toggleLanguages(false);
      confirmBox.hidden = true;
      if (moveFocus) launcher.focus();
      return;
    }
    log.scrollTop = log.scrollHeight;
    if (moveFocus) input.focus();
    if (!state.messages.length && !busy && !failed) send("/greet", null);
  }

  function toggleLanguages(open) {
    languageMenu.hidden = !open;
    languageButton.setAttribute("aria-expanded", String(open));
    if (open) {
      confirmBox.hidden = true;
      (languageList.querySelector("[aria-current]") || languageList.querySelector("button")).focus();
    }
  }

  function resizeInput() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 128) + "px";
  }

  launcher.addEventListener("click", () => setOpen(panel.hidden, true));
  closeButton.addEventListener("click", () => setOpen(false, true));
  languageButton.addEventListener("click", () => toggleLanguages(languageMenu.hidden));
  deleteButton.addEventListener("click", () => {
    toggleLanguages(false);
    confirmBox.hidden = false;
    confirmNo.focus();
  });
  confirmNo.addEventListener("click", () => { confirmBox.hidden = true; deleteButton.focus(); });
  confirmYes.addEventListener("click", () => {
    confirmBox.hidden = true;
    input.focus();
    send("/delete_my_data", null);
  });
  retryButton.addEventListener("click", retry);
  form.addEventListener("submit", (event) => { event.preventDefault(); submitInput(); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submitInput();
    }
  });
  input.addEventListener("input", () => {
    state.draft = input.value;
    resizeInput();
    saveState();
  });
  wrapper.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || panel.hidden) return;
    if (!languageMenu.hidden) {
      toggleLanguages(false);
      languageButton.focus();
    } else if (!confirmBox.hidden) {
      confirmBox.hidden = true;
      deleteButton.focus();
    } else {
      setOpen(false, true);
    }
  });

  function start() {
    applyLanguage(state.lang, state.dir);
    renderLog();
    input.value = state.draft || "";
    document.body.append(host);
    resizeInput();
    if (state.open) setOpen(true, false); // continue where the resident was, without taking focus
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
