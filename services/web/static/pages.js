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

  document.addEventListener("DOMContentLoaded", function () {
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
