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

  var data = JSON.parse(document.getElementById("strings").textContent);
  var strings = {};
  strings[data.locale] = data.words;
  var locale = data.locale;
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var status = document.getElementById("status");
  var cursor = "0";
  var fresh = false;
  var shown = [];

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

  function erase() {
    shown = [];
    log.textContent = "";
    keep();
  }

  function say(text) {
    status.textContent = text || "";
  }

  function bubble(className, text, rtl) {
    var item = document.createElement("li");
    item.className = className;
    item.setAttribute("dir", rtl ? "rtl" : "auto");
    var body = document.createElement("p");
    body.textContent = text;
    item.appendChild(body);
    log.appendChild(item);
    return item;
  }

  function scrollDown() {
    log.lastElementChild && log.lastElementChild.scrollIntoView({block: "end"});
  }

  function applyWords(code) {
    var words = strings[code];
    locale = code;
    document.documentElement.lang = code;
    document.documentElement.dir = words.dir;
    document.title = words.title;
    document.getElementById("title").textContent = words.title;
    document.getElementById("languages-label").textContent = words.languages;
    document.getElementById("write-label").textContent = words.write;
    input.placeholder = words.write;
    document.getElementById("send").textContent = words.send;
    var locate = document.getElementById("locate");
    locate.setAttribute("aria-label", words.locate);
    locate.title = words.locate;
    document.getElementById("forget").textContent = words.forget;
    log.setAttribute("aria-label", words.messages);
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

  // The same id on every attempt: the server drops the copies, so retrying is always safe.
  function post(message, attempt) {
    attempt = attempt || 1;
    message.id = message.id || randomHex(12);
    message.language = locale;
    function retry() {
      say(strings[locale].offline);
      if (attempt < SEND_ATTEMPTS) {
        window.setTimeout(function () { post(message, attempt + 1); }, 2000 * attempt);
      }
    }
    request("POST", "messages", message).then(function (response) {
      if (response.status >= 500) {
        retry();
      } else if (response.status === 429) {
        say(strings[locale].slow_down);
      } else if (!response.ok) {
        say(strings[locale].refused);
      } else {
        say("");
      }
    }, retry);
  }

  function mine(text) {
    bubble("me", text, false);
    remember({me: text});
    scrollDown();
  }

  function press(button) {
    mine(button.label);
    if (button.payload.indexOf("lang:") === 0) {
      applyLocale(button.payload.slice(5));
    }
    post({button: button.payload});
  }

  function sendLocation() {
    if (!navigator.geolocation) {
      say(strings[locale].no_location);
      return;
    }
    navigator.geolocation.getCurrentPosition(function (position) {
      mine("📍");
      post({location: {latitude: position.coords.latitude,
                       longitude: position.coords.longitude}});
    }, function () {
      say(strings[locale].no_location);
    }, {enableHighAccuracy: false, timeout: 20000, maximumAge: 60000});
  }

  function addButton(container, label, onPress) {
    var element = document.createElement("button");
    element.type = "button";
    element.textContent = label;
    element.setAttribute("dir", "auto");
    element.addEventListener("click", onPress);
    container.appendChild(element);
  }

  function show(reply) {
    var item = bubble("bot", reply.text, reply.rtl);
    reply.buttons.forEach(function (row) {
      var line = document.createElement("div");
      line.className = "buttons";
      row.forEach(function (button) {
        addButton(line, button.label, function () { press(button); });
      });
      item.appendChild(line);
    });
    if (reply.location_request) {
      var line = document.createElement("div");
      line.className = "buttons";
      addButton(line, reply.location_request, sendLocation);
      item.appendChild(line);
    }
  }

  var delay = 1000;
  function poll() {
    request("GET", "updates?after=" + encodeURIComponent(cursor)).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    }).then(function (data) {
      delay = 1000;
      say("");
      data.messages.forEach(function (reply) {
        show(reply);
        remember({bot: reply});
      });
      if (data.messages.length) {
        scrollDown();
      }
      cursor = data.cursor;
      keep();
      poll();
    }).catch(function () {
      say(strings[locale].offline);
      delay = Math.min(delay * 2, 30000);
      window.setTimeout(poll, delay);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      return;
    }
    input.value = "";
    if (text.split(" ")[0].toLowerCase() === "/forget") {
      erase();
    }
    mine(text);
    post({text: text});
  });
  document.getElementById("locate").addEventListener("click", sendLocation);
  document.getElementById("forget").addEventListener("click", function () {
    erase();
    post({text: "/forget"});
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
    shown.forEach(function (item) {
      if (item.bot) {
        show(item.bot);
      } else {
        bubble("me", item.me, false);
      }
    });
    scrollDown();
  }

  ["text", "send", "locate", "forget"].forEach(function (id) {
    document.getElementById(id).disabled = false;
  });
  restore();
  poll();
  if (fresh) {
    post({text: "/start"});
  }
}());
