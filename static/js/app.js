// Small behaviours that need no inline script (the Content Security Policy forbids those).
document.addEventListener("DOMContentLoaded", () => {
  // <button data-confirm="..."> asks before submitting its form.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
  // Below 700 px the top bar folds its menus behind one button (static/css/responsive.css).
  const toggle = document.querySelector(".menu-toggle");
  if (toggle) {
    toggle.addEventListener("click", () => {
      const open = toggle.closest(".topbar").classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  // Move focus to the first error so keyboard and screen-reader users land on it.
  const firstError = document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (firstError) firstError.focus();
});

// htmx POSTs from a <form> carry its {% csrf_token %} field; this header covers one that does not
// (hx-post on a button). Only for unsafe methods: GETs need no token.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb === "get") return;
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// An htmx request that the server redirected elsewhere (to the sign-in page once the session has
// expired) loads that page for real instead of swapping a piece of it into this one.
document.addEventListener("htmx:beforeSwap", (event) => {
  const paths = event.detail.pathInfo;
  if (!paths || !paths.responsePath) return;
  const asked = new URL(paths.finalRequestPath, window.location.href);
  const got = new URL(paths.responsePath, window.location.href);
  if (got.pathname !== asked.pathname) {
    event.detail.shouldSwap = false;
    window.location.assign(got.href);
  }
});
