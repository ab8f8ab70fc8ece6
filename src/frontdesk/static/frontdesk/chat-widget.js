/* Frontdesk live chat widget (docs/channels.md, "Live chat").
 *
 * Embed with one tag on an allowed origin:
 *   <script src="https://desk.example.com/static/frontdesk/chat-widget.js"
 *           data-widget="WIDGET_KEY" async></script>
 * Optional: data-identity="<signed token from your server>" to skip name and email.
 *
 * Everything lives in a shadow root, so the host page's styles and ours never mix. All
 * text is set with textContent (never innerHTML). The session token is kept in
 * sessionStorage for this tab only and sent as a bearer token; no cookies are used.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.widget) return;
  var KEY = script.dataset.widget;
  var IDENTITY = script.dataset.identity || "";
  var BASE = new URL(script.src).origin + "/chat/api/" + encodeURIComponent(KEY) + "/";
  var STORE = "frontdesk-chat:" + KEY;
  var token = sessionStorage.getItem(STORE) || "";
  var lastId = 0;
  var streaming = false;
  var typingTimer = null;
  var lastTypingSent = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function api(path, options) {
    options = options || {};
    var headers = options.headers || {};
    if (token) headers.Authorization = "Bearer " + token;
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(options.json);
    }
    return fetch(BASE + path, {
      method: options.method || "GET",
      headers: headers,
      body: options.body,
      credentials: "omit",
      mode: "cors",
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.message || "Something went wrong.");
        return data;
      });
    });
  }

  var host = el("div", { id: "frontdesk-chat" });
  var root = host.attachShadow({ mode: "open" });
  var style = el("style");
  style.textContent = [
    ":host{all:initial}",
    ".fd{position:fixed;right:16px;bottom:16px;z-index:2147483000;font:14px/1.4 system-ui,sans-serif;color:#1b1f24}",
    ".fd-open{border:0;border-radius:24px;padding:10px 16px;color:#fff;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.25)}",
    ".fd-panel{width:min(340px,calc(100vw - 32px));height:min(480px,calc(100vh - 96px));background:#fff;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.3);display:flex;flex-direction:column;overflow:hidden}",
    ".fd-head{color:#fff;padding:10px 12px;display:flex;justify-content:space-between;align-items:center}",
    ".fd-head button{background:transparent;border:0;color:inherit;font-size:18px;cursor:pointer}",
    ".fd-log{flex:1;overflow-y:auto;padding:10px;display:flex;flex-direction:column;gap:6px}",
    ".fd-msg{max-width:80%;padding:6px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}",
    ".fd-visitor{align-self:flex-end;background:#e7f0fd}.fd-agent{align-self:flex-start;background:#f1f3f5}",
    ".fd-note{align-self:center;color:#57606a;font-size:12px}",
    ".fd-form{display:flex;flex-direction:column;gap:6px;padding:10px;border-top:1px solid #e1e4e8}",
    ".fd-form input,.fd-form textarea{font:inherit;padding:6px;border:1px solid #c9d1d9;border-radius:6px}",
    ".fd-row{display:flex;gap:6px;align-items:center}",
    ".fd-send{border:0;border-radius:6px;padding:6px 12px;color:#fff;cursor:pointer}",
    ".fd-typing{min-height:18px;padding:0 10px;color:#57606a;font-size:12px}",
    "[hidden]{display:none!important}",
  ].join("\n");
  var box = el("div", { class: "fd" });
  var openButton = el("button", { class: "fd-open", type: "button" }, "Chat");
  var panel = el("div", { class: "fd-panel", role: "dialog", "aria-label": "Chat" });
  panel.hidden = true;
  var head = el("div", { class: "fd-head" });
  var title = el("strong", {}, "Chat");
  var close = el("button", { type: "button", "aria-label": "Close" }, "×");
  head.append(title, close);
  var log = el("div", { class: "fd-log", "aria-live": "polite" });
  var typingLine = el("div", { class: "fd-typing" });
  var form = el("form", { class: "fd-form" });
  panel.append(head, log, typingLine, form);
  box.append(openButton, panel);
  root.append(style, box);
  document.body.appendChild(host);

  function note(text) { log.appendChild(el("div", { class: "fd-msg fd-note" }, text)); log.scrollTop = log.scrollHeight; }

  function show(message) {
    if (message.id <= lastId) return;
    lastId = message.id;
    var who = message.from === "visitor" ? "fd-visitor" : "fd-agent";
    log.appendChild(el("div", { class: "fd-msg " + who }, message.text));
    log.scrollTop = log.scrollHeight;
  }

  function input(name, type, label, required) {
    var field = el(type === "textarea" ? "textarea" : "input", { name: name, "aria-label": label, placeholder: label });
    if (type !== "textarea") field.setAttribute("type", type);
    if (required) field.required = true;
    return field;
  }

  function button(text, colour) {
    var b = el("button", { class: "fd-send", type: "submit" }, text);
    b.style.background = colour;
    return b;
  }

  function startForm(config) {
    form.replaceChildren();
    if (!config.open) note("We are away right now. Leave a message and we will answer by email.");
    var fields = [];
    if (!IDENTITY) fields.push(input("name", "text", "Your name", false), input("email", "email", "Your email", true));
    fields.push(input("message", "textarea", config.open ? "How can we help?" : "Your message", true));
    fields.forEach(function (f) { form.appendChild(f); });
    form.appendChild(button(config.open ? "Start chat" : "Send", config.colour));
    form.onsubmit = function (event) {
      event.preventDefault();
      var data = { message: form.elements.message.value };
      if (IDENTITY) data.identity = IDENTITY;
      else { data.name = form.elements.name.value; data.email = form.elements.email.value; }
      api("start", { method: "POST", json: data }).then(function (answer) {
        if (answer.mode === "request") {
          form.replaceChildren();
          note("Thank you. Your request is number " + answer.ticket + "; we will reply by email.");
          return;
        }
        token = answer.token;
        sessionStorage.setItem(STORE, token);
        chatForm(config);
        listen();
      }).catch(function (error) { note(error.message); });
    };
  }

  function chatForm(config) {
    form.replaceChildren();
    var text = input("text", "textarea", "Write a message", true);
    text.rows = 2;
    var file = input("file", "file", "Attach a file", false);
    var row = el("div", { class: "fd-row" });
    var end = el("button", { type: "button" }, "End chat");
    row.append(file, end);
    form.append(text, row, button("Send", config.colour));
    text.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTypingSent > 2000) { lastTypingSent = now; api("typing", { method: "POST" }).catch(function () {}); }
    });
    text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    });
    file.addEventListener("change", function () {
      if (!file.files.length) return;
      if (file.files[0].size > config.max_file_bytes) { note("That file is too large."); file.value = ""; return; }
      var data = new FormData();
      data.append("file", file.files[0]);
      api("files", { method: "POST", body: data }).then(show).catch(function (e) { note(e.message); });
      file.value = "";
    });
    end.addEventListener("click", function () {
      var transcript = window.confirm("Chat ended. Email me a transcript?");
      api("end", { method: "POST", json: { transcript: transcript } }).then(function () { finish(); })
        .catch(function (e) { note(e.message); });
    });
    form.onsubmit = function (event) {
      event.preventDefault();
      var value = text.value.trim();
      if (!value) return;
      api("messages", { method: "POST", json: { text: value } }).then(function (m) { text.value = ""; show(m); })
        .catch(function (e) { note(e.message); });
    };
  }

  function finish() {
    token = "";
    sessionStorage.removeItem(STORE);
    form.replaceChildren();
    note("This chat has ended. Thank you!");
  }

  function handle(event, data) {
    if (event === "message") show(data);
    else if (event === "accepted") note((data.agent || "An agent") + " joined the chat.");
    else if (event === "ended") finish();
    else if (event === "typing" && data.who === "agent") {
      typingLine.textContent = "Typing…";
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 4000);
    }
  }

  /* SSE read with fetch (so the token goes in a header, not the URL); reconnects while
     the chat lasts, as the server ends each stream after a bounded time. */
  function listen() {
    if (streaming || !token) return;
    streaming = true;
    fetch(BASE + "stream?after=" + lastId, { headers: { Authorization: "Bearer " + token }, credentials: "omit" })
      .then(function (response) {
        if (!response.ok || !response.body) throw new Error("stream");
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) return;
            buffer += decoder.decode(chunk.value, { stream: true });
            var frames = buffer.split("\n\n");
            buffer = frames.pop();
            frames.forEach(function (frame) {
              var event = "message", data = "";
              frame.split("\n").forEach(function (line) {
                if (line.indexOf("event: ") === 0) event = line.slice(7);
                else if (line.indexOf("data: ") === 0) data += line.slice(6);
              });
              if (data) { try { handle(event, JSON.parse(data)); } catch (e) { /* a bad frame */ } }
            });
            return pump();
          });
        }
        return pump();
      })
      .catch(function () { return new Promise(function (r) { setTimeout(r, 4000); }); })
      .then(function () { streaming = false; if (token) setTimeout(listen, 1000); });
  }

  function load() {
    api("config").then(function (config) {
      title.textContent = config.title;
      head.style.background = config.colour;
      openButton.style.background = config.colour;
      openButton.textContent = config.title;
      if (token) {
        chatForm(config);
        listen();
      } else {
        startForm(config);
      }
    }).catch(function () { host.remove(); });
  }

  openButton.addEventListener("click", function () { panel.hidden = false; openButton.hidden = true; });
  close.addEventListener("click", function () { panel.hidden = true; openButton.hidden = false; });
  load();
})();
