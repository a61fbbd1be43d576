// Dalil web chat: posts what the person writes or presses, long-polls the replies.
// Plain ES5 and fetch, so that it runs on old and cheap phones; no library, no build.
(function () {
  "use strict";

  var STORE = "dalil-chat-conversation";
  // What this tab showed, so that a reload or a change of language keeps the conversation on
  // screen; gone when the tab is closed, and at once on "Erase my conversation".
  var TRANSCRIPT = "dalil-chat-transcript";
  var KEPT = 100;
  var API = "/chat/api/";
  var HEADER = "X-Dalil-Conversation";
  var SEND_ATTEMPTS = 5;
  // What must read left to right inside Arabic or Persian, or the bidirectional algorithm
  // scrambles it: links; phone numbers ("+212 5 39 94 00 00" would show its groups in
  // reverse; six digits or more, checked below); a house number and the Latin words after it
  // ("23 Rue des Siaghines" would show the number at the end); commands such as /forget.
  var LATIN = "A-Za-z\u00c0-\u024f";
  var WORD = "[" + LATIN + "0-9'\u2019-]*";
  var LEFT_TO_RIGHT = new RegExp(
    "((?:https?://|www\\.)\\S*[^\\s.,;:!?)\\]\u00bb\"'\u060c\u061b\u061f])" +
    "|(\\+?\\d[\\d ()./\u00a0-]{5,}\\d)" +
    "|(\\d+[A-Za-z]?,?[ \u00a0]+[" + LATIN + "]" + WORD +
      "(?:[ \u00a0]+[" + LATIN + "0-9]" + WORD + ")*)" +
    "|(/[A-Za-z]\\w*)", "g");

  var data = JSON.parse(document.getElementById("strings").textContent);
  var strings = {};
  strings[data.locale] = data.words;
  var locale = data.locale;
  // The language whose words the page shows: the conversation's (`locale`) changes at once
  // when one is chosen, its words come later in their own request, and an answer that comes
  // first must not find them missing (it was dropped, unseen).
  var showing = data.locale;
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var status = document.getElementById("status");
  var said = document.getElementById("said");
  var urgent = document.getElementById("urgent");
  var cursor = "0";
  var fresh = false;
  var shown = [];
  // The messages not yet accepted by the server: retried, and offered to send again.
  var unsent = [];
  // The quick-reply button last pressed: its answer takes the focus from it.
  var pressed = null;
  // How long an answer stays in the hidden regions a screen reader announces. It queues the
  // words when they appear, so emptying the region later does not cut them short.
  var ANNOUNCED_MS = 7000;
  var announced = null;

  function words() {
    return strings[showing];
  }

  function randomHex(bytes) {
    var values = new Uint8Array(bytes);
    window.crypto.getRandomValues(values);
    var out = "";
    for (var i = 0; i < values.length; i++) {
      out += ("0" + values[i].toString(16)).slice(-2);
    }
    return out;
  }

  // 128 random bits, kept on this device only; it is the whole identity of the conversation.
  function conversationId() {
    var id = null;
    try {
      id = window.localStorage.getItem(STORE);
    } catch (e) { /* storage blocked: the conversation lasts as long as the page */ }
    if (!id || !/^[0-9a-f]{32,64}$/.test(id)) {
      id = randomHex(16);
      fresh = true;
      try {
        window.localStorage.setItem(STORE, id);
      } catch (e) { /* see above */ }
    }
    return id;
  }

  var conversation = conversationId();

  function keep() {
    try {
      window.sessionStorage.setItem(TRANSCRIPT, JSON.stringify({cursor: cursor, shown: shown}));
    } catch (e) { /* storage blocked or full: only a reload loses the view */ }
  }

  function remember(item) {
    shown.push(item);
    if (shown.length > KEPT) {
      shown.shift();
    }
    keep();
  }

  function say(text) {
    status.textContent = text || "";
  }

  function isolated(text) {
    var element = document.createElement("bdi");
    element.setAttribute("dir", "ltr");
    element.textContent = text;
    return element;
  }

  // The text as it was written, with what must stay left to right isolated in <bdi>.
  function writeText(parent, text) {
    var done = 0;
    var match;
    LEFT_TO_RIGHT.lastIndex = 0;
    while ((match = LEFT_TO_RIGHT.exec(text)) !== null) {
      var run = match[0];
      var shortNumber = match[2] && run.replace(/\D/g, "").length < 6;
      var inWord = match[4] && match.index > 0 && !/\s/.test(text.charAt(match.index - 1));
      if (shortNumber || inWord) {
        continue;
      }
      if (match.index > done) {
        parent.appendChild(document.createTextNode(text.slice(done, match.index)));
      }
      parent.appendChild(isolated(run));
      done = match.index + run.length;
    }
    if (done < text.length) {
      parent.appendChild(document.createTextNode(text.slice(done)));
    }
  }

  function bubble(className, text, rtl, language) {
    var item = document.createElement("li");
    item.className = className;
    item.setAttribute("dir", rtl ? "rtl" : "auto");
    if (language) {
      item.setAttribute("lang", language);
    }
    var body = document.createElement("p");
    writeText(body, text);
    item.appendChild(body);
    log.appendChild(item);
    return item;
  }

  // The field stays at the foot of the screen: what scrolls into view (a new message) stops
  // above it, not under it, whatever the size of the text.
  function clearComposer() {
    document.documentElement.style.scrollPaddingBottom = form.offsetHeight + "px";
  }

  // Show the conversation's end; an answer taller than the screen from its start.
  function scrollDown(first) {
    // The field's height now, not at the last resize: its wrapping changes once the page's
    // font has loaded, and a message scrolled to a stale height ends under the field.
    clearComposer();
    var room = window.innerHeight - form.offsetHeight;
    if (first && first.offsetHeight > room) {
      first.scrollIntoView({block: "start"});
    } else if (log.lastElementChild) {
      log.lastElementChild.scrollIntoView({block: "end"});
    }
  }

  function applyWords(code) {
    var w = strings[code];
    locale = showing = code;
    document.documentElement.lang = code;
    document.documentElement.dir = w.dir;
    document.title = w.title;
    document.getElementById("title").textContent = w.title;
    document.getElementById("languages-label").textContent = w.languages;
    document.getElementById("write-label").textContent = w.write;
    input.placeholder = w.write;
    document.getElementById("send").textContent = w.send;
    var locate = document.getElementById("locate");
    locate.setAttribute("aria-label", w.locate);
    locate.title = w.locate;
    document.getElementById("forget").textContent = w.forget;
    log.setAttribute("aria-label", w.messages);
  }

  // The page carries its own language's words; another's come once, when it is chosen.
  function applyLocale(code) {
    if (strings[code]) {
      applyWords(code);
      return;
    }
    window.fetch(data.more_words.replace("{code}", code), {credentials: "omit"})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (loaded) {
        strings[code] = loaded;
        applyWords(code);
      }, function () { /* offline: the page keeps its words until the next choice */ });
  }

  function request(method, path, body) {
    var headers = {};
    headers[HEADER] = conversation;
    if (body) {
      headers["Content-Type"] = "application/json";
    }
    return window.fetch(API + path, {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: "omit",
      cache: "no-store"
    });
  }

  // A message the server did not take stays on screen, marked, with a button that sends it
  // again: what the person wrote is never lost without a word.
  function markUnsent(outgoing) {
    if (outgoing.entry.failed) {
      return;
    }
    outgoing.entry.failed = outgoing.message;
    if (!outgoing.item) {
      // Sent without a bubble (the first /start, an erasure): shown now that it failed.
      outgoing.item = bubble("me", outgoing.entry.me, false, null);
      remember(outgoing.entry);
    }
    keep();
    var item = outgoing.item;
    item.className = "me unsent";
    var note = document.createElement("p");
    note.className = "note";
    note.textContent = words().not_sent + " ";
    var again = document.createElement("button");
    again.type = "button";
    again.textContent = words().send_again;
    again.addEventListener("click", function () {
      window.clearTimeout(outgoing.timer);
      deliver(outgoing, SEND_ATTEMPTS);
    });
    note.appendChild(again);
    item.appendChild(note);
    if (item === log.lastElementChild) {
      scrollDown();
    }
  }

  function markSent(outgoing) {
    var index = unsent.indexOf(outgoing);
    if (index >= 0) {
      unsent.splice(index, 1);
    }
    if (!outgoing.entry.failed) {
      return;
    }
    delete outgoing.entry.failed;
    keep();
    var note = outgoing.item.querySelector(".note");
    var hadFocus = note && note.contains(document.activeElement);
    if (note) {
      outgoing.item.removeChild(note);
    }
    outgoing.item.className = "me";
    if (hadFocus) {
      input.focus();
    }
  }

  function failing() {
    for (var i = 0; i < unsent.length; i++) {
      if (unsent[i].entry.failed) {
        return true;
      }
    }
    return false;
  }

  // The same id on every attempt: the server drops the copies, so retrying is always safe.
  function deliver(outgoing, attempt) {
    outgoing.sending = true;
    outgoing.lost = false;
    function failed(why) {
      outgoing.sending = false;
      say(why);
      markUnsent(outgoing);
    }
    function retry() {
      outgoing.lost = true;
      failed(words().offline);
      if (attempt < SEND_ATTEMPTS) {
        outgoing.timer = window.setTimeout(function () {
          deliver(outgoing, attempt + 1);
        }, 2000 * attempt);
      }
    }
    request("POST", "messages", outgoing.message).then(function (response) {
      if (response.ok) {
        outgoing.sending = false;
        say("");
        markSent(outgoing);
      } else if (response.status === 429) {
        failed(words().slow_down);
      } else if (response.status >= 500) {
        retry();
      } else {
        failed(words().refused);
      }
    }, retry);
  }

  // Show what the person sent (unless `quiet`: then only if it fails), and send it.
  function send(label, message, language, quiet) {
    message.id = randomHex(12);
    message.language = locale;
    var entry = {me: label};
    if (language) {
      entry.lang = language;
    }
    var outgoing = {message: message, entry: entry, item: null};
    if (!quiet) {
      outgoing.item = bubble("me", label, false, language);
      remember(entry);
      scrollDown();
    }
    unsent.push(outgoing);
    deliver(outgoing, 1);
  }

  function press(button, element) {
    var language = button.payload.indexOf("lang:") === 0 ? button.payload.slice(5) : null;
    pressed = element;
    send(button.label, {button: button.payload}, language);
    if (language) {
      applyLocale(language);
    }
  }

  function sendLocation() {
    if (!navigator.geolocation) {
      say(words().no_location);
      return;
    }
    navigator.geolocation.getCurrentPosition(function (position) {
      send("📍", {location: {latitude: position.coords.latitude,
                              longitude: position.coords.longitude}});
    }, function () {
      say(words().no_location);
    }, {enableHighAccuracy: false, timeout: 20000, maximumAge: 60000});
  }

  function addButton(container, label, onPress, language) {
    var element = document.createElement("button");
    element.type = "button";
    element.textContent = label;
    element.setAttribute("dir", "auto");
    if (language) {
      element.setAttribute("lang", language);
    }
    element.addEventListener("click", function () { onPress(element); });
    container.appendChild(element);
  }

  function show(reply) {
    var item = bubble("bot", reply.text, reply.rtl, reply.language);
    reply.buttons.forEach(function (row) {
      var line = document.createElement("div");
      line.className = "buttons";
      row.forEach(function (button) {
        // The language buttons name each language in itself.
        var language = button.payload.indexOf("lang:") === 0 ? button.payload.slice(5) : null;
        addButton(line, button.label, function (element) { press(button, element); }, language);
      });
      item.appendChild(line);
    });
    if (reply.location_request) {
      var line = document.createElement("div");
      line.className = "buttons";
      addButton(line, reply.location_request, sendLocation);
      item.appendChild(line);
    }
    return item;
  }

  // A screen reader hears each answer once, in its language, without its buttons; the
  // emergency numbers at once, the rest after what it is reading.
  function announce(replies) {
    unsay();
    replies.forEach(function (reply) {
      var line = document.createElement("p");
      if (reply.language) {
        line.setAttribute("lang", reply.language);
      }
      line.textContent = reply.text;
      (reply.urgent ? urgent : said).appendChild(line);
    });
    announced = window.setTimeout(unsay, ANNOUNCED_MS);
  }

  // Once heard, the words leave the hidden regions: moving through the page would read each
  // answer twice, there and in the conversation.
  function unsay() {
    window.clearTimeout(announced);
    announced = null;
    said.textContent = "";
    urgent.textContent = "";
  }

  // After a quick reply, its answer takes the focus: the next Tab (or swipe) reaches the
  // answer's own buttons, not the older ones after the button pressed.
  function answered(first, replies) {
    var focused = document.activeElement;
    var follow = pressed && (focused === pressed || focused === document.body);
    pressed = null;
    if (follow) {
      first.setAttribute("tabindex", "-1");
      first.focus({preventScroll: true});
    } else {
      announce(replies);
    }
  }

  // Long polls while the page is seen; a hidden page (another app, the screen off) asks
  // nothing, and asks at once when it is seen again.
  var delay = 1000;
  var polling = false;
  var timer = null;
  function poll() {
    timer = null;
    if (document.hidden) {
      return;
    }
    polling = true;
    request("GET", "updates?after=" + encodeURIComponent(cursor)).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    }).then(function (data) {
      polling = false;
      delay = 1000;
      // The next poll goes whatever showing these replies does: a reply the page failed to
      // show is an error in the console, not a lost connection that waits longer each time
      // and asks for the same reply again.
      try {
        reconnected();
        received(data.messages);
      } catch (error) {
        window.console.error(error);
      } finally {
        cursor = data.cursor;
        keep();
        poll();
      }
    }, function () {
      polling = false;
      say(words().offline);
      delay = Math.min(delay * 2, 30000);
      timer = window.setTimeout(poll, delay);
    });
  }

  // Connected again: what the network lost goes now, without waiting for its next try.
  function reconnected() {
    unsent.forEach(function (outgoing) {
      if (outgoing.lost && !outgoing.sending) {
        window.clearTimeout(outgoing.timer);
        deliver(outgoing, SEND_ATTEMPTS);
      }
    });
    if (status.textContent === words().offline && !failing()) {
      say("");
    }
  }

  function received(replies) {
    var first = null;
    replies.forEach(function (reply) {
      var item = show(reply);
      first = first || item;
      remember({bot: reply});
    });
    if (first) {
      scrollDown(first);
      answered(first, replies);
    }
  }

  function wake() {
    if (polling || document.hidden) {
      return;
    }
    window.clearTimeout(timer);
    poll();
  }
  document.addEventListener("visibilitychange", wake);
  window.addEventListener("online", wake);

  function erase() {
    unsent.forEach(function (outgoing) { window.clearTimeout(outgoing.timer); });
    unsent = [];
    shown = [];
    log.textContent = "";
    unsay();
    keep();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    // The person goes on writing: the focus stays in the field (not on Send, if pressed).
    input.focus();
    if (!text) {
      return;
    }
    input.value = "";
    pressed = null;
    if (text.split(" ")[0].toLowerCase() === "/forget") {
      erase();
    }
    send(text, {text: text});
  });
  document.getElementById("locate").addEventListener("click", sendLocation);
  // A language chosen in the header is the conversation's too: the bot is told quietly, as
  // if its own language button were pressed (following the link alone changed the page only).
  Array.prototype.forEach.call(document.querySelectorAll("#languages nav a"), function (link) {
    link.addEventListener("click", function (event) {
      var code = link.getAttribute("lang");
      if (!code || !window.history.replaceState) {
        return;
      }
      event.preventDefault();
      Array.prototype.forEach.call(link.parentNode.children, function (other) {
        other.removeAttribute("aria-current");
      });
      link.setAttribute("aria-current", "page");
      document.getElementById("languages").open = false;
      window.history.replaceState(null, "", "?lang=" + code);
      applyLocale(code);
      locale = code;
      send(link.textContent, {button: "lang:" + code}, code, true);
    });
  });
  document.getElementById("forget").addEventListener("click", function () {
    erase();
    send(words().forget, {text: "/forget"}, null, true);
  });

  function restore() {
    var saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(TRANSCRIPT) || "null");
    } catch (e) { /* nothing kept */ }
    if (!saved || fresh) {
      return;
    }
    cursor = saved.cursor || "0";
    shown = saved.shown || [];
    shown.forEach(function (entry) {
      if (entry.bot) {
        show(entry.bot);
        return;
      }
      var item = bubble("me", entry.me, false, entry.lang);
      if (entry.failed) {
        var outgoing = {message: entry.failed, entry: entry, item: item};
        delete entry.failed;
        unsent.push(outgoing);
        markUnsent(outgoing);
      }
    });
    scrollDown();
  }

  ["text", "send", "locate", "forget"].forEach(function (id) {
    document.getElementById(id).disabled = false;
  });
  clearComposer();
  window.addEventListener("resize", clearComposer);
  restore();
  poll();
  if (fresh) {
    send("/start", {text: "/start"}, null, true);
  }
}());
