// "附上我现在的位置": fills the hidden latitude/longitude fields from the phone's location.
// The button stays hidden where the browser cannot locate (no geolocation, or not HTTPS).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-locate]").forEach(function (button) {
    if (!("geolocation" in navigator) || !window.isSecureContext) return;
    var status = document.getElementById(button.dataset.status);
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById(button.dataset.lat).value = pos.coords.latitude.toFixed(6);
        document.getElementById(button.dataset.lng).value = pos.coords.longitude.toFixed(6);
        status.textContent = "已附上位置（精度约 " + Math.round(pos.coords.accuracy) + " 米）";
      }, function () {
        status.textContent = "未能获取位置，可在上面填写地址";
      }, { enableHighAccuracy: true, timeout: 10000 });
    });
  });
});
