// The page's language, declared for screen readers (recommendations/api/page.py adds this script to Streamlit's
// page, whose <html lang="en"> never changes): the app keeps the reader's language in the address bar (?lang=km),
// and this follows it there, to a language the server offers (this script's data-languages) and no other.
(() => {
  const script = document.currentScript;
  const offered = ((script && script.dataset.languages) || "").split(" ").filter(Boolean);
  const follow = () => {
    const lang = new URLSearchParams(window.location.search).get("lang");
    if (lang && offered.includes(lang) && document.documentElement.lang !== lang) {
      document.documentElement.lang = lang;
    }
  };
  follow();
  window.setInterval(follow, 250); // the address bar changes without a page load when the reader switches
})();
