// Progressive enhancement: a "Copy" button beside the new number. Without JavaScript the button
// stays hidden and the number is still selectable with one tap (CSS user-select: all).
(function () {
  var button = document.getElementById("copy-number");
  var number = document.getElementById("new-number");
  if (!button || !number || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(number.textContent.trim()).then(function () {
      button.textContent = button.getAttribute("data-done");
    });
  });
})();
