// Helpers of the Lotse widget that keep no state: language, ids, elements, icons, links, colour.
// The gateway puts this file and widget.js into one function scope: nothing here is global.
const DEFAULT_COLOR = "#005ca9";
const ICONS = {
  chat: "M4 4h16v12H7l-3 3z",
  globe: "M12 3a9 9 0 100 18 9 9 0 000-18zm0 0c2.5 2.5 2.5 15.5 0 18m0-18c-2.5 2.5-2.5 15.5 0 18M3.5 9h17M3.5 15h17",
  trash: "M5 7h14M10 7V4h4v3m-7 0l1 13h8l1-13",
  close: "M6 6l12 12M18 6L6 18",
};
// https: URLs, mailto:/tel: URIs, e-mail addresses and phone numbers starting with + or 0
// (so postcodes, years and the 110/112 emergency numbers stay text).
const LINK = /https:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'»”’]|mailto:[^\s<>"]+|tel:\+?[\d\s/()-]*\d|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:\+|\b0)\d[\d /-]{4,}\d/g;

// The first of the tags (browser languages, then the page's data-lang) that the assistant speaks.
function pickLanguage(known, tags) {
  for (const tag of tags) {
    const code = String(tag || "").toLowerCase().split("-")[0];
    const resolved = code === "prs" ? "fa" : code; // Dari is answered in Persian/Dari
    if (known.has(resolved)) return resolved;
  }
  return null;
}

// The conversation id: 128 random bits as hex (the gateway accepts [A-Za-z0-9_-]{8,64}).
function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function el(tag, attributes, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children || []) node.append(child);
  return node;
}

function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

// Bot text with https:, mailto: and tel: links; everything else stays plain text nodes.
function appendLinkedText(node, text) {
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    node.append(text.slice(last, match.index), linkFor(match[0]));
    last = match.index + match[0].length;
  }
  node.append(text.slice(last));
}

function linkFor(raw) {
  let href = raw;
  if (/^[\w.+-]+@/.test(raw)) href = "mailto:" + raw;
  else if (/^(\+|0)\d/.test(raw)) href = "tel:" + raw.replace(/[^\d+]/g, "");
  if (!/^(https:|mailto:|tel:)/.test(href)) return raw;
  // dir=ltr isolates the link, so numbers and addresses stay in order inside Arabic text.
  const link = el("a", { href, rel: "noopener noreferrer", target: "_blank", dir: "ltr" });
  link.textContent = raw;
  return link;
}

// White text sits on the accent colour: a colour too light for WCAG AA (4.5:1) is not used.
function accentColor(value) {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(value || "").trim());
  if (!match) return DEFAULT_COLOR;
  const hex = match[1].length === 3 ? match[1].replace(/./g, "$&$&") : match[1];
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (luminance + 0.05) >= 4.5 ? "#" + hex : DEFAULT_COLOR;
}
