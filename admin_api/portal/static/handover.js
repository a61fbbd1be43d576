// New messages of a conversation appear without reloading: a small poll every 3 seconds asks
// for the messages after the last one shown. A plain refresh shows the same list.
(function () {
  "use strict";
  var list = document.getElementById("messages");
  if (!list) {
    return;
  }
  var after = Number(list.dataset.after) || 0;

  function show(message) {
    var item = document.createElement("li");
    item.className = "message " + message.author;
    item.dataset.id = String(message.id);
    if (message.author === "notice") {
      var note = document.createElement("em");
      var notes = {
        taken: list.dataset.taken, reengage: list.dataset.reengage, escalated: list.dataset.escalated
      };
      note.textContent = notes[message.notice] || list.dataset.closed;
      item.appendChild(note);
    } else {
      var who = document.createElement("strong");
      who.textContent = (message.author === "person" ? list.dataset.person : list.dataset.volunteer) + ":";
      item.appendChild(who);
      item.appendChild(document.createTextNode(" "));
      var body = document.createElement("bdi");
      body.textContent = message.card ? list.dataset.card + ": " + message.card : message.text;
      item.appendChild(body);
    }
    list.appendChild(item);
  }

  function poll() {
    fetch(list.dataset.poll + "?after=" + after, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data) {
          data.messages.forEach(function (message) {
            if (!list.querySelector('[data-id="' + message.id + '"]')) {
              show(message);
            }
            after = Math.max(after, message.id);
          });
        }
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 3000);
})();
