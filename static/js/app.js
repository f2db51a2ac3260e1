// Small behaviours that need no inline script (the Content Security Policy forbids those).
document.addEventListener("DOMContentLoaded", () => {
  // <button data-confirm="..."> asks before submitting its form.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
  // Move focus to the first error so keyboard and screen-reader users land on it.
  const firstError = document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (firstError) firstError.focus();
});
// htmx requests carry the CSRF token from the cookie-less meta tag if present.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});
