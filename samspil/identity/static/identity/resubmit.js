// The identity provider's answer reached Samspil without the session cookie (SameSite=Lax leaves it out of a
// cross-site POST): post it again from this page, where the browser sends the cookie. See identity/views.py.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("identity-resubmit");
  if (form) {
    form.submit();
  }
});
