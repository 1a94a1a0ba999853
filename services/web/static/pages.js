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
    if (event.detail.target.id !== "results") {
      return;
    }
    var summary = document.getElementById("summary");
    var live = document.getElementById("announce");
    if (summary && live) {
      live.textContent = summary.textContent.trim();
    }
  });

  // The language switch returns to the page as the address bar shows it now.
  document.addEventListener("htmx:pushedIntoHistory", function () {
    var fields = document.querySelectorAll('form[action="/ui/language"] input[name="next"]');
    for (var i = 0; i < fields.length; i += 1) {
      fields[i].value = window.location.pathname + window.location.search;
    }
  });

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

  // Inventory (盘点): each mark is saved as it is made (htmx answers the row); the row
  // says whether it was saved, a screen reader hears it, and focus moves to the next box.
  // A mark lost to the network is said on its row, to be made again.
  function checklistRow(event) {
    var config = event.detail.requestConfig;
    var form = config && config.elt ? config.elt : event.detail.elt;
    var id = form && form.getAttribute ? form.getAttribute("data-row") : null;
    return id ? { id: id, row: document.getElementById(id) } : null;
  }

  function sayOnRow(row, text, unsaved) {
    var cell = row && row.querySelector(".saved");
    if (cell) {
      cell.textContent = text;
      row.classList.toggle("unsaved", unsaved);
    }
    var live = document.getElementById("announce");
    if (live) {
      live.textContent = text;
    }
  }

  function checklistMarks(list) {
    document.addEventListener("htmx:beforeRequest", function (event) {
      var found = checklistRow(event);
      if (found) {
        sayOnRow(found.row, list.getAttribute("data-saving"), false);
      }
    });
    function lost(event) {
      var found = checklistRow(event);
      if (found) {
        sayOnRow(found.row, list.getAttribute("data-unsaved"), true);
        var button = found.row && found.row.querySelector("button[aria-pressed]");
        if (button) {
          button.focus();
        }
      }
    }
    document.addEventListener("htmx:sendError", lost);
    document.addEventListener("htmx:responseError", lost);
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

  document.addEventListener("DOMContentLoaded", function () {
    var checklist = document.querySelector("[data-unsaved]");
    if (checklist && window.htmx) {
      checklistMarks(checklist);
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
