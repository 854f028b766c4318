// Starts the page's encryption code. If it did not load, or failed its integrity check and was
// blocked, the page keeps working through the server and says so plainly.
document.addEventListener("DOMContentLoaded", function () {
  var app = window.safehold;
  if (app && typeof app.start === "function") {
    app.start();
    return;
  }
  var note = document.getElementById("mode");
  var messages = document.getElementById("safehold-messages");
  if (note && messages && messages.dataset.integrityFailed) {
    note.textContent = messages.dataset.integrityFailed;
    note.className = "warning";
  }
});
