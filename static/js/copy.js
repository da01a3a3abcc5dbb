// Progressive enhancement: a "Copy" button beside the new number. Without JavaScript the button
// stays hidden and the number is still selectable with one tap (CSS user-select: all).
(function () {
  var button = document.getElementById("copy-number");
  var number = document.getElementById("new-number");
  var status = document.getElementById("copy-status");
  if (!button || !number || !status || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    // The digit groups are set apart by CSS only: the text is the plain digits.
    navigator.clipboard.writeText(number.textContent.trim()).then(function () {
      // A live region (role=status): screen readers say it, sighted people see it beside the button.
      status.textContent = status.getAttribute("data-done");
    });
  });
})();
