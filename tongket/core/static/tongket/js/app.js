/* Tổng kết: the few behaviours the pages need. No inline scripts (the CSP forbids them). */
(function () {
  "use strict";

  var PHONE = window.matchMedia("(max-width: 47.99rem)");

  /* The menu is a <details> left open in the HTML so it works without JavaScript;
     on a phone it starts folded, on a wide screen it stays open. */
  function fitMenu() {
    document.querySelectorAll("details.nav-menu").forEach(function (menu) {
      menu.open = !PHONE.matches;
    });
  }

  /* <button data-confirm="..."> or <form data-confirm="..."> asks before submitting
     (htmx requests use hx-confirm instead). */
  function confirmSubmit(event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }

  /* An htmx request that fails shows a message instead of silently doing nothing. */
  function showRequestError() {
    var box = document.getElementById("messages");
    var text = document.body.getAttribute("data-request-error");
    if (!box || !text) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-error";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    box.replaceChildren(alert);
  }

  document.addEventListener("DOMContentLoaded", function () {
    fitMenu();
    if (PHONE.addEventListener) {
      PHONE.addEventListener("change", fitMenu);
    }
  });
  document.addEventListener("submit", confirmSubmit, true);
  document.addEventListener("htmx:responseError", showRequestError);
  document.addEventListener("htmx:sendError", showRequestError);
})();
