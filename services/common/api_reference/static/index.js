// The landing of the API reference. An address of an operation from when the reference was
// one page (/schema#/accounts/issueToken) opens that operation in its part's reference.
(function () {
  "use strict";
  var operation = /^#\/([^\/]+)(\/.*)?$/.exec(window.location.hash);
  if (!operation) {
    return;
  }
  var tag = decodeURIComponent(operation[1]);
  var links = document.querySelectorAll("a[data-tag]");
  for (var i = 0; i < links.length; i += 1) {
    if (links[i].getAttribute("data-tag") === tag) {
      window.location.replace(links[i].getAttribute("href") + window.location.hash);
      return;
    }
  }
})();
