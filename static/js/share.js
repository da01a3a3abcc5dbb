// Progressive enhancement: the phone's share sheet (Web Share API) for the official link. Without it,
// or without JavaScript, the button stays hidden and the WhatsApp and SMS links do the same job.
(function () {
  var button = document.getElementById("share-sheet");
  if (!button || !navigator.share) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    // The prewritten message only (official address and check page), never anything from the page.
    navigator.share({ text: button.getAttribute("data-text") }).catch(function () {});
  });
})();
