// The result feedback form's signature pad 处置结果反馈单签名 (vendored signature_pad, no CDN): the customer
// signs on the canvas with a finger, a stylus or the mouse; on submit the drawing goes as a PNG data URL in the
// hidden "drawn" field. A photo of the signed paper may be chosen instead. The canvas follows the device's pixel
// ratio and its width, so a tablet and a phone both draw sharp, and a resize keeps what was drawn.
(function () {
  "use strict";

  function setUp(form) {
    const canvas = form.querySelector("canvas[data-signature-pad]");
    const drawn = form.querySelector("input[name=drawn]");
    const source = form.querySelector("input[name=source]");
    const photo = form.querySelector("input[type=file][name=photo]");
    if (!canvas || !drawn || typeof window.SignaturePad !== "function") return;
    const pad = new window.SignaturePad(canvas, { penColor: "#0a1f44", minWidth: 0.8, maxWidth: 2.6 });

    function resize() {
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      const data = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      pad.fromData(data);
    }
    window.addEventListener("resize", resize);
    resize();

    const clear = form.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () { pad.clear(); drawn.value = ""; });
    }
    form.addEventListener("submit", function (event) {
      if (photo && photo.files && photo.files.length) {
        source.value = "photo";
        drawn.value = "";
        return;
      }
      if (pad.isEmpty()) {
        event.preventDefault();
        const help = form.querySelector("[data-signature-empty]");
        if (help) help.classList.remove("d-none");
        return;
      }
      source.value = "drawn";
      drawn.value = pad.toDataURL("image/png");
    });
  }

  document.querySelectorAll("form[data-signature-form]").forEach(setUp);
})();
