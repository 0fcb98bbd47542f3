// The staff app's live parts: the live-chat list and an open chat refresh every 2 s, and a staff
// member's message is posted with the page's CSRF token. Text is set with textContent, never as HTML.
"use strict";

const POLL_MS = 2000;
const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

function el(tag, props, children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  (children || []).forEach((child) => node.append(child));
  return node;
}

async function getJson(url) {
  const reply = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (reply.status === 401) { window.location.assign("/login"); throw new Error("logged out"); }
  return reply.json();
}

async function pollChatList(table) {
  const data = await getJson(table.dataset.poll);
  const body = table.tBodies[0];
  body.replaceChildren(...data.chats.map((chat) => el("tr", { className: chat.status }, [
    el("td", {}, [el("a", { href: chat.url, textContent: `chat #${chat.id}` })]),
    el("td", { textContent: chat.status + (chat.closed_how ? ` (${chat.closed_how})` : "") }),
    el("td", { textContent: chat.requested }),
    el("td", { textContent: chat.channel || "" }),
    el("td", { textContent: chat.taken_by || "" }),
    el("td", {}, chat.warning ? [el("strong", { className: "flag", textContent: "warning sign" })] : []),
  ])));
  if (!data.chats.length) body.append(el("tr", {}, [el("td", { colSpan: 6, textContent: "No live chats." })]));
}

async function pollBadge(badge) {
  const data = await getJson("/api/live");
  const open = data.chats.filter((chat) => chat.status === "waiting").length;
  badge.textContent = String(open);
  badge.hidden = open === 0;
}

function renderLine(line) {
  const item = el("li", { className: line.who + (line.warning ? " warning" : "") }, [
    el("span", { className: "who", textContent: line.who }), " ", el("time", { textContent: line.at }),
  ]);
  if (line.warning) {
    item.append(el("strong", { className: "flag", textContent: `Warning sign (${line.warning}): the assistant sent the urgent reply` }));
  }
  item.append(el("p", { textContent: line.text }));
  if (line.buttons.length) item.append(el("p", { className: "buttons", textContent: "Buttons: " + line.buttons.join(", ") }));
  return item;
}

async function pollChat(box) {
  const data = await getJson(box.dataset.poll);
  const list = document.getElementById("transcript");
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 20;
  list.replaceChildren(...data.lines.map(renderLine));
  if (atBottom) list.scrollTop = list.scrollHeight;
  const status = document.getElementById("chat-status");
  if (status.textContent !== data.chat.status) {
    if (status.textContent === "waiting" || data.chat.status === "closed") window.location.reload();
    status.textContent = data.chat.status;
  }
  document.getElementById("warning-banner").hidden = !data.chat.warning;
}

function every(fn) {
  const tick = () => fn().catch(() => {}).finally(() => setTimeout(tick, POLL_MS));
  tick();
}

document.addEventListener("DOMContentLoaded", () => {
  const table = document.getElementById("live-chats");
  if (table) every(() => pollChatList(table));
  const badge = document.getElementById("live-count");
  if (badge) every(() => pollBadge(badge));
  const box = document.getElementById("chat");
  if (box) every(() => pollChat(box));
  const form = document.getElementById("send-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const field = document.getElementById("message");
      const reply = await fetch(box.dataset.send, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ text: field.value }),
      });
      if (reply.ok) { field.value = ""; await pollChat(box); } else { alert((await reply.json()).error); }
    });
    document.getElementById("message").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    });
  }
});
