// Progressive enhancement: the phone's share sheet (Web Share API) for the official link. Without it,
// or without JavaScript, the button stays hidden and the WhatsApp and SMS links do the same job.
(function () {
  var button = document.getElementById("share-sheet");
  var whatsapp = document.getElementById("share-whatsapp");
  if (!button || !whatsapp || !navigator.share || !window.URL) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    // The WhatsApp link's prewritten message (the official address and the check page), nothing else:
    // read from the link rather than sent twice in the page.
    navigator.share({ text: new URL(whatsapp.href).searchParams.get("text") }).catch(function () {});
  });
})();
