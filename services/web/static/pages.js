// The staff pages' own script. No inline script anywhere (Content-Security-Policy 'self').
(function () {
  "use strict";
  var TYPING_PAUSE_MS = 300;

  // htmx sends the CSRF token as a header on every request it makes.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRFToken"] = meta.getAttribute("content");
    }
  });

  // The element that made an htmx request (a form, the batch that polls).
  function asker(event) {
    var config = event.detail.requestConfig;
    var elt = config && config.elt ? config.elt : event.detail.elt;
    return elt && elt.closest ? elt : null;
  }

  function say(text) {
    var live = document.getElementById("announce");
    if (live) {
      live.textContent = text;
    }
  }

  // A request a part of a page makes in the background may go unanswered: the network or
  // the server away (htmx:sendError) or the server failing (htmx:responseError). htmx then
  // leaves the page as it was, which would pass for the answer, so the part says so, the
  // same way on every page (an inventory row's mark, the ingest batch's progress, the
  // search's results): its words (data-unanswered, on the asker or around it) go on its
  // line (data-unanswered-line: the id of an element, or of one holding [data-words]),
  // shown, and to the page's live region. Where what it showed answers other words (the
  // search: data-unanswered-stale) that is greyed and taken from the keyboard and screen
  // readers (inert) until answered. The next answer replaces or clears the line.
  function unanswered(event) {
    var from = asker(event);
    var part = from && from.closest("[data-unanswered]");
    var named = from && from.closest("[data-unanswered-line]");
    var line = named && document.getElementById(named.getAttribute("data-unanswered-line"));
    if (!part || !line) {
      return;
    }
    var words = part.getAttribute("data-unanswered");
    (line.querySelector("[data-words]") || line).textContent = words;
    line.classList.add("unanswered");
    line.hidden = false;
    say(words);
    var shown = event.detail.target;
    if (from.hasAttribute("data-unanswered-stale") && shown) {
      shown.classList.add("stale");
      shown.inert = true;
    }
  }

  // Answered at last: what was greyed is the answer, and the line is hidden again. (A
  // part whose line is inside what it replaces, the batch or a row, has its line replaced.)
  function answered(event) {
    var from = asker(event);
    var shown = event.detail.target;
    if (!from || !shown || !from.hasAttribute("data-unanswered-stale")) {
      return;
    }
    shown.classList.remove("stale");
    shown.inert = false;
    var line = document.getElementById(from.getAttribute("data-unanswered-line"));
    if (line) {
      line.hidden = true;
      line.classList.remove("unanswered");
    }
  }

  document.addEventListener("htmx:sendError", unanswered);
  document.addEventListener("htmx:responseError", unanswered);
  document.addEventListener("htmx:afterSwap", answered);

  // Results while typing, but only once an input method has finished composing: input
  // events fire for every keystroke of a pinyin syllable, before the characters exist.
  function searchWhileTyping(input) {
    var form = input.form;
    var composing = false;
    var timer = null;
    var searched = input.value;

    function searchSoon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (composing || input.value === searched) {
          return;
        }
        searched = input.value;
        window.htmx.trigger(form, "typed");
      }, TYPING_PAUSE_MS);
    }

    input.addEventListener("compositionstart", function () {
      composing = true;
      window.clearTimeout(timer);
    });
    input.addEventListener("compositionend", function () {
      composing = false;
      searchSoon();
    });
    input.addEventListener("input", function (event) {
      if (composing || event.isComposing) {
        return;
      }
      searchSoon();
    });
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      searched = input.value;
    });
    form.addEventListener("change", function (event) {
      if (event.target !== input) {
        searched = null;
        window.htmx.trigger(form, "typed");
      }
    });
  }

  // The number of results is announced (the live region stays; the results are swapped).
  document.addEventListener("htmx:afterSwap", function (event) {
    var summary = document.getElementById("summary");
    if (event.detail.target.id === "results" && summary) {
      say(summary.textContent.trim());
    }
  });

  // While a search is on its way the results are busy (the page dims them and says
  // 正在检索… after a moment, app.css: .search.htmx-request).
  function searchBusy(event) {
    var results = event.detail.target;
    if (results && results.id === "results") {
      results.setAttribute("aria-busy", String(event.type === "htmx:beforeRequest"));
    }
  }
  document.addEventListener("htmx:beforeRequest", searchBusy);
  document.addEventListener("htmx:afterRequest", searchBusy);

  // The language switch returns to the page as the address bar shows it now.
  document.addEventListener("htmx:pushedIntoHistory", function () {
    var fields = document.querySelectorAll('form[action="/ui/language"] input[name="next"]');
    for (var i = 0; i < fields.length; i += 1) {
      fields[i].value = window.location.pathname + window.location.search;
    }
  });

  // A page answering a form (a refusal, a form to correct) is shown at the form's
  // POST-only address; the address bar gets the page's own, so that reloading, the
  // language switch and sign-in come back to a page that opens.
  function restateAddress() {
    var address = document.body.getAttribute("data-address");
    if (address && address !== window.location.pathname + window.location.search) {
      window.history.replaceState(window.history.state, "", address);
    }
  }

  // A form sent after the session ended was not sent: the sign-in page says so and
  // returns to the form's page, where what was typed is put back, for the same person
  // only (a colleague signing in at the same desk sees none of it). Kept in this tab's
  // sessionStorage from the submit to the next page, and no further; never a password,
  // a file or a hidden field (those the page gives); dropped on signing out.
  var UNSENT = "archive.unsent-form";
  var KEPT_TYPES = /^(text|search|number|date|month|email|tel|url|checkbox|radio|select-one|select-multiple|textarea)$/;
  var NOT_KEPT = ["/ui/login", "/ui/logout", "/ui/language"];

  // Storage may be refused (switched off, full): the form is sent all the same.
  function storage(use) {
    try {
      return use(window.sessionStorage);
    } catch (ignored) {
      return null;
    }
  }

  function reader() {
    var who = document.querySelector(".account[data-username]");
    return who ? who.getAttribute("data-username") : null;
  }

  function kept(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && KEPT_TYPES.test(field.type) && !field.disabled;
    });
  }

  function keepTyped(event) {
    var form = event.target;
    if (form && form.getAttribute("action") === "/ui/logout") {
      storage(function (store) { store.removeItem(UNSENT); });
    }
    if (!form || (form.method || "").toLowerCase() !== "post" || !reader() ||
        NOT_KEPT.indexOf(form.getAttribute("action")) >= 0) {
      return;
    }
    var forms = Array.prototype.slice.call(document.forms);
    var values = kept(form).map(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        return field.checked;
      }
      if (field.type === "select-multiple") {
        return Array.prototype.filter.call(field.options, function (option) {
          return option.selected;
        }).map(function (option) { return option.value; });
      }
      return field.value;
    });
    var saved = JSON.stringify({
      page: window.location.pathname + window.location.search, who: reader(),
      form: forms.indexOf(form), action: form.getAttribute("action"),
      values: values, unsent: false });
    storage(function (store) { store.setItem(UNSENT, saved); });
  }

  function putBack(saved) {
    var form = document.forms[saved.form];
    if (!form || form.getAttribute("action") !== saved.action) {
      return;
    }
    var fields = kept(form);
    if (fields.length !== saved.values.length) {
      return;
    }
    fields.forEach(function (field, index) {
      var value = saved.values[index];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = value === true;
      } else if (field.type === "select-multiple") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = value.indexOf(option.value) >= 0;
        });
      } else {
        field.value = value;
      }
      // What was put back is seen: a part folded away (a <details>) holding it opens.
      var part = field.closest("details");
      if (part && (field.type === "checkbox" || field.type === "radio" ? field.checked : field.value)) {
        part.open = true;
      }
    });
  }

  function unsentForm() {
    var saved = storage(function (store) { return JSON.parse(store.getItem(UNSENT) || "null"); });
    if (!saved) {
      return;
    }
    if (window.location.pathname === "/ui/login") {
      if (document.querySelector("[data-form-unsent]")) {
        saved.unsent = true;
        storage(function (store) { store.setItem(UNSENT, JSON.stringify(saved)); });
      }
      return;
    }
    storage(function (store) { store.removeItem(UNSENT); });
    if (saved.unsent && saved.who === reader() &&
        saved.page === window.location.pathname + window.location.search) {
      putBack(saved);
    }
  }

  // Review (校对): Ctrl+Enter (⌘+Enter) saves the page, Alt+N goes to the next one.
  function reviewKeys(form) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      } else if (event.altKey && (event.key === "n" || event.key === "N" || event.code === "KeyN")) {
        var next = document.querySelector("[data-review-next]");
        if (next) {
          event.preventDefault();
          window.location.assign(next.getAttribute("href"));
        }
      }
    });
  }

  // A page's scan (扫描件, the review page and the document page): 放大/缩小/适合宽度, or
  // the keys + - 0, enlarge the page inside its frame, which then scrolls, and pans when
  // dragged with the mouse; the level reached is said in a live region. The keys are the
  // scan's only while the cursor is in no field (a + typed in the text is text) and
  // never with Ctrl, ⌘ or Alt held: Ctrl and + or -, and a trackpad's pinch (a wheel
  // event with Ctrl), stay the browser's own zoom of the whole page; no wheel is taken.
  var ZOOMS = [1, 1.5, 2, 3, 4];
  var ZOOM_KEYS = { "+": "in", "=": "in", "-": "out", "0": "fit" };

  function within(value) {
    return Math.min(Math.max(value, 0), 1);
  }

  // A scan that cannot be had (503: the store or ingest away for a moment) is said in
  // words where it would be, not left a broken image; its zoom bar goes with it.
  function sayWhenScanFails(bar, frame) {
    var image = frame.querySelector("img");
    function unavailable() {
      var said = document.createElement("p");
      said.className = "hint";
      said.setAttribute("role", "status");
      said.textContent = image.getAttribute("data-unavailable");
      frame.replaceWith(said);
      bar.hidden = true;
    }
    if (image.complete && image.naturalWidth === 0) {
      unavailable();
    } else {
      image.addEventListener("error", unavailable);
    }
  }

  function scanZoom(bar, frame) {
    var scan = frame.querySelector(".scan-page");
    var level = bar.querySelector(".zoom-level");
    var image = scan.querySelector("img");
    var large = image.getAttribute("data-large");
    var buttons = {};
    var step = 0;

    // Enlarged past the preview's own pixels (the screen's, not CSS's), the page's large
    // image takes the preview's place once it has loaded, asked for once: the same page
    // at the same size, so the boxes stay on their words. Until then, or if it cannot be
    // had, the preview stays.
    function sharpen() {
      var needed = scan.offsetWidth * (window.devicePixelRatio || 1);
      if (!large || image.naturalWidth === 0 || needed <= image.naturalWidth) {
        return;
      }
      var sharper = document.createElement("img");
      sharper.alt = image.alt;
      sharper.draggable = false;
      sharper.addEventListener("load", function () {
        image.replaceWith(sharper);
        image = sharper;
      });
      sharper.src = large;
      large = null;
    }
    Array.prototype.forEach.call(bar.querySelectorAll("[data-zoom]"), function (button) {
      buttons[button.getAttribute("data-zoom")] = button;
    });

    // The point of the page at the middle of what is seen of it, as fractions of the page.
    function seenMiddle() {
      var page = scan.getBoundingClientRect();
      var box = frame.getBoundingClientRect();
      var left = Math.max(box.left, 0);
      var right = Math.min(box.right, window.innerWidth);
      var top = Math.max(box.top, 0);
      var bottom = Math.min(box.bottom, window.innerHeight);
      return { x: within(((left + right) / 2 - page.left) / page.width),
               y: within(((top + bottom) / 2 - page.top) / page.height) };
    }

    // Zoom ``next`` (an index of ZOOMS), the point seen in the middle staying there.
    function show(next) {
      var middle = seenMiddle();
      step = next;
      var zoom = ZOOMS[step];
      scan.style.setProperty("--zoom", String(zoom));
      frame.classList.toggle("zoomed", step > 0);
      if (step > 0) {
        frame.tabIndex = 0;  // its scroll box is reached and scrolled by keyboard too
      } else {
        frame.removeAttribute("tabindex");
      }
      buttons.in.setAttribute("aria-disabled", String(step === ZOOMS.length - 1));
      buttons.out.setAttribute("aria-disabled", String(step === 0));
      buttons.fit.setAttribute("aria-disabled", String(step === 0));
      level.textContent = step === 0 ? level.getAttribute("data-fit")
        : level.getAttribute("data-level").replace("{percent}", Math.round(zoom * 100) + "%");
      if (step > 0) {
        frame.scrollLeft = middle.x * scan.offsetWidth - frame.clientWidth / 2;
        frame.scrollTop = middle.y * scan.offsetHeight - frame.clientHeight / 2;
        sharpen();
      }
    }

    function act(action) {
      if (action === "in" && step < ZOOMS.length - 1) {
        show(step + 1);
      } else if (action === "out" && step > 0) {
        show(step - 1);
      } else if (action === "fit" && step > 0) {
        show(0);
      }
    }

    bar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-zoom]");
      if (button) {
        act(button.getAttribute("data-zoom"));
      }
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented ||
          !ZOOM_KEYS[event.key] || target.isContentEditable ||
          (target.closest && target.closest("input, textarea, select"))) {
        return;
      }
      event.preventDefault();
      act(ZOOM_KEYS[event.key]);
    });
    frame.addEventListener("pointerdown", function (event) {
      if (event.pointerType !== "mouse" || event.button !== 0 || step === 0) {
        return;
      }
      var start = { x: event.clientX, y: event.clientY,
                    left: frame.scrollLeft, top: frame.scrollTop };
      function pan(moved) {
        frame.scrollLeft = start.left - (moved.clientX - start.x);
        frame.scrollTop = start.top - (moved.clientY - start.y);
      }
      function stop() {
        frame.classList.remove("panning");
        frame.removeEventListener("pointermove", pan);
        frame.removeEventListener("pointerup", stop);
        frame.removeEventListener("pointercancel", stop);
      }
      frame.setPointerCapture(event.pointerId);
      frame.classList.add("panning");
      frame.addEventListener("pointermove", pan);
      frame.addEventListener("pointerup", stop);
      frame.addEventListener("pointercancel", stop);
    });
    // The hint says how to zoom and pan with what the reader has: the keys where there is
    // a keyboard and a mouse, a finger on a touch screen (no + to press there). The bar is
    // described by the hint shown; a tablet given a mouse is told the keys again.
    var hints = { keys: bar.querySelector("[data-hint=keys]"),
                  touch: bar.querySelector("[data-hint=touch]") };
    var touchOnly = window.matchMedia("(hover: none) and (pointer: coarse)");
    function hint() {
      var shown = touchOnly.matches ? hints.touch : hints.keys;
      hints.keys.hidden = shown !== hints.keys;
      hints.touch.hidden = shown !== hints.touch;
      bar.setAttribute("aria-describedby", shown.id);
    }
    touchOnly.addEventListener("change", hint);
    hint();
    bar.hidden = false;
    show(0);
  }

  // Inventory (盘点): each mark is saved as it is made (htmx answers the row); the row
  // says whether it was saved, a screen reader hears it, and focus moves to the next box.
  // A mark lost to the network is said on its row (unanswered), to be made again.
  function checklistRow(event) {
    var form = asker(event);
    var id = form ? form.getAttribute("data-row") : null;
    return id ? { id: id, row: document.getElementById(id) } : null;
  }

  function checklistMarks(list) {
    document.addEventListener("htmx:beforeRequest", function (event) {
      var found = checklistRow(event);
      var cell = found && found.row && found.row.querySelector(".saved");
      if (cell) {
        cell.textContent = list.getAttribute("data-saving");
        cell.classList.remove("unanswered");
        say(cell.textContent);
      }
    });
    // After settling: until then the new row still wears the old row's attributes.
    document.addEventListener("htmx:afterSettle", function (event) {
      var found = checklistRow(event);
      if (!found) {
        return;
      }
      var row = document.getElementById(found.id);
      if (!row) {
        return;
      }
      var live = document.getElementById("announce");
      var saved = row.querySelector(".saved");
      if (live && saved) {
        live.textContent = row.querySelector("th").textContent.trim() + "：" +
          saved.textContent.replace(/\s+/g, " ").trim();
      }
      var target = row.classList.contains("refused") ? row.querySelector("input[name=note]") : null;
      if (!target) {
        var next = row.getAttribute("data-next");
        var nextRow = next ? document.getElementById(next) : null;
        target = nextRow ? nextRow.querySelector("button.mark") : null;
      }
      if (target) {
        target.focus();
        if (target.scrollIntoView) {
          target.scrollIntoView({ block: "center" });
        }
      }
    });
    // Enter in a row's note is "misplaced" (the note says where the box was found).
    list.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.name === "note") {
        var button = event.target.form.querySelector("button[value=misplaced]");
        if (button) {
          event.preventDefault();
          button.click();
        }
      }
    });
  }

  // Digitising (数字化): files and folders dropped on the drop zone join the form's files
  // as if chosen with the pickers (a folder's files named by their path in it, as the
  // folder picker names them); a dropped CSV is the manifest. The pickers stay for the
  // keyboard and screen readers; the zone is shown only where this script runs.
  function isHidden(path) {
    return path.split("/").some(function (part) { return part.charAt(0) === "."; });
  }

  function isManifest(path) {
    return /\.csv$/i.test(path);
  }

  function depth(path) {
    return path.split("/").length;
  }

  // Every file under a dropped entry, each with its path from the dropped item.
  function filesUnder(entry) {
    var path = entry.fullPath.replace(/^\/+/, "");
    if (entry.isFile) {
      return new Promise(function (resolve, reject) {
        entry.file(function (file) { resolve([{file: file, path: path}]); }, reject);
      });
    }
    var reader = entry.createReader();
    var children = [];
    // readEntries answers in batches (100 in Chromium) until it answers none.
    function readAll() {
      return new Promise(function (resolve, reject) {
        reader.readEntries(function (batch) {
          if (!batch.length) {
            resolve(children);
            return;
          }
          children = children.concat(Array.prototype.slice.call(batch));
          resolve(readAll());
        }, reject);
      });
    }
    return readAll().then(function (entries) {
      return Promise.all(entries.map(filesUnder));
    }).then(function (lists) {
      return [].concat.apply([], lists);
    });
  }

  // What a drop carries: entries (files and folders) where the browser gives them, else
  // its plain files. Read while the drop event runs: the items are emptied after it.
  function dropped(transfer) {
    var waiting = [];
    var items = transfer.items ? Array.prototype.slice.call(transfer.items) : [];
    items.forEach(function (item) {
      if (item.kind !== "file") {
        return;
      }
      var entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
      if (entry) {
        waiting.push(filesUnder(entry));
        return;
      }
      var file = item.getAsFile();
      if (file) {
        waiting.push(Promise.resolve([{file: file, path: file.name}]));
      }
    });
    if (!items.length) {
      Array.prototype.slice.call(transfer.files).forEach(function (file) {
        waiting.push(Promise.resolve([{file: file, path: file.name}]));
      });
    }
    return Promise.all(waiting).then(function (lists) { return [].concat.apply([], lists); });
  }

  function named(chosen) {
    if (chosen.file.name === chosen.path) {
      return chosen.file;
    }
    return new File([chosen.file], chosen.path,
                    {type: chosen.file.type, lastModified: chosen.file.lastModified});
  }

  function ingestDropZone(zone) {
    var form = zone.closest("form");
    var files = form.querySelector("#files");
    var folder = form.querySelector("#folder");
    var manifest = form.querySelector("#manifest");
    var chosen = document.getElementById("chosen");

    function pathOf(file) {
      return file.webkitRelativePath || file.name;
    }

    // What the server sends as documents: neither hidden files nor CSVs (services/common/
    // manifest.py left_out); with no manifest chosen, the chosen folder's one CSV is the
    // manifest (is_manifest), and of several the person says which.
    function sendable(input) {
      return Array.prototype.filter.call(input.files, function (file) {
        return !isHidden(pathOf(file)) && !isManifest(pathOf(file));
      }).length;
    }

    function folderManifests() {
      return Array.prototype.slice.call(files.files).concat(Array.prototype.slice.call(folder.files))
        .map(pathOf).filter(function (path) { return !isHidden(path) && isManifest(path); });
    }

    function announce() {
      var count = sendable(files) + sendable(folder);
      var text = count ? chosen.getAttribute("data-files").replace("{files}", count)
        : chosen.getAttribute("data-none");
      var found = folderManifests();
      if (manifest.files.length) {
        text += " " + chosen.getAttribute("data-manifest").replace("{name}", manifest.files[0].name);
      } else if (found.length === 1) {
        text += " " + chosen.getAttribute("data-folder-manifest")
          .replace("{name}", found[0].split("/").pop());
      } else if (found.length > 1) {
        text += " " + chosen.getAttribute("data-folder-manifests").replace("{names}", found.join("、"));
      }
      chosen.textContent = text;
    }

    function add(list) {
      list = list.filter(function (chosen) { return !isHidden(chosen.path); });
      // The manifest is the dropped CSV nearest the top; another CSV is sent as a file
      // (and refused with its reason in the batch, like any file that is not a scan).
      var manifests = list.filter(function (chosen) { return isManifest(chosen.path); })
        .sort(function (a, b) { return depth(a.path) - depth(b.path) || (a.path < b.path ? -1 : 1); });
      var all = new DataTransfer();
      Array.prototype.forEach.call(files.files, function (file) { all.items.add(file); });
      list.forEach(function (chosen) {
        if (chosen !== manifests[0]) {
          all.items.add(named(chosen));
        }
      });
      files.files = all.files;
      if (manifests.length) {
        var one = new DataTransfer();
        one.items.add(manifests[0].file);
        manifest.files = one.files;
      }
      announce();
    }

    zone.hidden = false;
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        zone.classList.add("drop-over");
      });
    });
    zone.addEventListener("dragleave", function () {
      zone.classList.remove("drop-over");
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("drop-over");
      dropped(event.dataTransfer).then(add, function () {
        chosen.textContent = chosen.getAttribute("data-unreadable");
      });
    });
    // A file dropped beside the zone is not opened by the browser in place of the page
    // (one dropped on a picker is still the picker's, as browsers do it).
    ["dragover", "drop"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        if (!zone.contains(event.target) && event.target.type !== "file") {
          event.preventDefault();
        }
      });
    });
    zone.addEventListener("click", function () { files.click(); });
    zone.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        files.click();
      }
    });
    [files, folder, manifest].forEach(function (input) {
      input.addEventListener("change", announce);
    });
    announce();
  }

  // A confirmation or a part folded in a <details> (停用, 重设密码, the filters) closes
  // on Escape, from its summary or from anywhere in it, and focus goes back to its
  // summary, as a keyboard user expects of anything they opened.
  function closeOnEscape(event) {
    if (event.key !== "Escape" || event.defaultPrevented || !event.target.closest) {
      return;
    }
    var part = event.target.closest("details[open]");
    var summary = part && part.querySelector(":scope > summary");
    if (summary) {
      event.preventDefault();
      part.open = false;
      summary.focus();
    }
  }

  document.addEventListener("keydown", closeOnEscape);
  document.addEventListener("submit", keepTyped, true);

  document.addEventListener("DOMContentLoaded", function () {
    restateAddress();
    unsentForm();
    var checklist = document.querySelector(".checklist[data-saving]");
    if (checklist && window.htmx) {
      checklistMarks(checklist);
    }
    var zone = document.getElementById("drop-zone");
    if (zone) {
      ingestDropZone(zone);
    }
    var zoomBar = document.querySelector("[data-zoom-bar]");
    var zoomFrame = document.querySelector("[data-zoom-frame]");
    if (zoomBar && zoomFrame) {
      scanZoom(zoomBar, zoomFrame);
      sayWhenScanFails(zoomBar, zoomFrame);
    }
    var review = document.querySelector("[data-review-form]");
    if (review) {
      reviewKeys(review);
    }
    var input = document.querySelector("[data-search-while-typing]");
    if (input && input.form && window.htmx) {
      searchWhileTyping(input);
    }
  });
})();
