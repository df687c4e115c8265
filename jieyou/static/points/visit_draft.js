// 入户走访 on a phone in a stairwell: the form is kept as a draft in this browser while it is
// typed, sent with its client key, and sent again with the same key whenever the network is
// back, so that a visit is neither lost nor recorded twice. "已保存" appears only when the
// server has answered that it holds the visit.
//
// localStorage "jieyou.visitDrafts": {clientKey: {key, household, action, fields, status}}
//   status "draft": being typed; "pending": submitted, waiting for the server's answer.
// localStorage "jieyou.visitDraft.<household>": the client key of that household's open draft.
// The page's texts come from data-msg-* attributes, translated by the server.
(function () {
  "use strict";
  var STORE = "jieyou.visitDrafts";
  var CURRENT = "jieyou.visitDraft.";
  var RETRY_MS = 20000;
  var sending = {};

  function loadAll() {
    try {
      return JSON.parse(window.localStorage.getItem(STORE)) || {};
    } catch (e) {
      return {};
    }
  }

  function saveAll(all) {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(all));
    } catch (e) {
      // Private mode or a full store: the form still posts, only without the safety net.
    }
  }

  function put(draft) {
    var all = loadAll();
    all[draft.key] = draft;
    saveAll(all);
    try {
      window.localStorage.setItem(CURRENT + draft.household, draft.key);
    } catch (e) {}
  }

  function forget(draft) {
    var all = loadAll();
    delete all[draft.key];
    saveAll(all);
    try {
      if (window.localStorage.getItem(CURRENT + draft.household) === draft.key) {
        window.localStorage.removeItem(CURRENT + draft.household);
      }
    } catch (e) {}
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return "v" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function csrfToken() {
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  // One sending of a draft → a promise of {state, body}: "saved", "refused" (the server
  // answered no), "login" (signed out or the CSRF token is stale) or "offline" (no answer).
  function send(draft) {
    var body = new URLSearchParams();
    Object.keys(draft.fields).forEach(function (name) {
      body.append(name, draft.fields[name]);
    });
    body.set("household", draft.household);
    body.set("client_key", draft.key);
    return window.fetch(draft.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        return { state: "login" };
      }
      if (response.status === 200 || response.status === 201) {
        return response.json().then(function (json) { return { state: "saved", body: json }; });
      }
      if (response.status >= 400 && response.status < 500) {
        return response.json().then(
          function (json) { return { state: "refused", body: json }; },
          function () { return { state: "refused", body: {} }; }
        );
      }
      return { state: "offline" };
    }, function () {
      return { state: "offline" };
    });
  }

  function sendOnce(draft) {
    if (sending[draft.key]) return sending[draft.key];
    sending[draft.key] = send(draft).then(function (outcome) {
      delete sending[draft.key];
      if (outcome.state === "saved") forget(draft);
      return outcome;
    });
    return sending[draft.key];
  }

  function pendingDrafts() {
    var all = loadAll();
    return Object.keys(all).map(function (k) { return all[k]; }).filter(function (d) {
      return d.status === "pending";
    });
  }

  // Every page with this script resends what is waiting; a list page says how many.
  function resendPending(except) {
    var drafts = pendingDrafts().filter(function (d) { return d.key !== except; });
    var box = document.querySelector("[data-visit-pending]");
    if (!drafts.length) return;
    Promise.all(drafts.map(sendOnce)).then(function (outcomes) {
      var sent = outcomes.filter(function (o) { return o.state === "saved"; }).length;
      var left = pendingDrafts().filter(function (d) { return d.key !== except; }).length;
      if (!box) return;
      var parts = [];
      if (sent) parts.push(box.dataset.msgSent.replace("{n}", sent));
      if (left) parts.push(box.dataset.msgPending.replace("{n}", left));
      box.textContent = parts.join(" ");
    });
  }

  function fieldsOf(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "client_key" && name !== "household") {
        fields[name] = String(value);
      }
    });
    return fields;
  }

  function restore(form, fields) {
    Object.keys(fields).forEach(function (name) {
      form.querySelectorAll("[name='" + name + "']").forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          el.checked = el.value === fields[name];
        } else {
          el.value = fields[name];
        }
      });
    });
  }

  function lock(form, locked) {
    form.querySelectorAll("input, textarea, select, button").forEach(function (el) {
      if (el.type !== "hidden") el.disabled = locked;
    });
  }

  function showErrors(form, errors) {
    form.querySelectorAll("[data-draft-error]").forEach(function (el) { el.remove(); });
    Object.keys(errors || {}).forEach(function (name) {
      var anchor = form.querySelector("[name='" + name + "']");
      var box = anchor && anchor.closest(".field");
      var list = document.createElement("ul");
      list.className = "errorlist";
      list.setAttribute("data-draft-error", "");
      errors[name].forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
      (box || form.querySelector("[data-draft-status]")).appendChild(list);
    });
  }

  function setupForm(form) {
    var household = form.dataset.visitDraft;
    var keyInput = form.querySelector("[name=client_key]");
    var status = form.querySelector("[data-draft-status]");
    var msg = form.dataset;
    var all = loadAll();
    var openKey = null;
    try {
      openKey = window.localStorage.getItem(CURRENT + household);
    } catch (e) {}
    var draft = openKey && all[openKey];
    if (draft && draft.key !== keyInput.value) {
      // A fresh page for a household with a draft in progress: carry on with that draft.
      restore(form, draft.fields);
      keyInput.value = draft.key;
    } else if (!draft) {
      draft = {
        key: keyInput.value || newKey(),
        household: household,
        action: form.action,
        fields: {},
        status: "draft"
      };
      keyInput.value = draft.key;
    }

    function say(text, kind) {
      status.textContent = text;
      status.className = "draft-status" + (kind ? " is-" + kind : "");
    }

    function saved(body) {
      lock(form, true);
      say(msg.msgSaved, "saved");
      if (body && body.url) {
        var link = document.createElement("a");
        link.href = body.url;
        link.className = "button";
        link.textContent = msg.msgView;
        status.appendChild(document.createTextNode(" "));
        status.appendChild(link);
      }
    }

    // A first sending takes the fields as typed; a resend sends exactly what was sent before
    // (the fields are locked meanwhile), since the server refuses a key with other content.
    function submit(fresh) {
      if (fresh) draft.fields = fieldsOf(form);
      draft.status = "pending";
      put(draft);
      lock(form, true);
      say(msg.msgSending, "pending");
      sendOnce(draft).then(function (outcome) {
        if (outcome.state === "saved") {
          showErrors(form, {});
          saved(outcome.body);
        } else if (outcome.state === "refused") {
          var body = outcome.body || {};
          draft.status = "draft";
          if (body.errors && body.errors.client_key) {
            // The key already stands for other content: this text becomes a draft of its own.
            forget(draft);
            draft.key = newKey();
            keyInput.value = draft.key;
          }
          put(draft);
          lock(form, false);
          say(msg.msgRefused + (body.detail || ""), "error");
          showErrors(form, body.errors);
        } else if (outcome.state === "login") {
          say(msg.msgLogin, "error");
        } else {
          say(msg.msgOffline, "pending");
        }
      });
    }

    form.addEventListener("input", function () {
      if (draft.status === "pending") return;
      draft.fields = fieldsOf(form);
      put(draft);
      say(msg.msgDraft);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (draft.status !== "pending") submit(true);
    });

    function retry() {
      if (draft.status === "pending" && !sending[draft.key]) submit(false);
    }
    window.addEventListener("online", retry);
    window.setInterval(retry, RETRY_MS);
    if (draft.status === "pending") {
      restore(form, draft.fields);
      submit(false);
    }
    return draft.key;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.fetch || !window.localStorage || !window.crypto) return;
    var form = document.querySelector("form[data-visit-draft]");
    var own = form ? setupForm(form) : null;
    resendPending(own);
    window.addEventListener("online", function () { resendPending(own); });
  });
})();
