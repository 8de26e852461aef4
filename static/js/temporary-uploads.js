// Photos kept across a failed form (aftersales/uploads.py): each file chosen in a [data-temporary-upload] input
// is uploaded at once; the form then carries its id in a hidden input, so a form that fails validation comes back
// with its photos and the successful submit claims them. Without this script the files go with the form.
(function () {
  "use strict";

  function csrfToken(form) {
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    // htmx forms send the token from the body's hx-headers (base.html) rather than a hidden input.
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function pending(form, delta) {
    if (!form) { return; }
    const count = parseInt(form.dataset.uploading || "0", 10) + delta;
    form.dataset.uploading = String(count);
    form.querySelectorAll("[type=submit]").forEach(function (button) { button.disabled = count > 0; });
  }

  function keptItem(box, upload) {
    const item = document.createElement("li");
    item.className = "list-inline-item border rounded p-1 mb-1";
    item.dataset.upload = upload.id;
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = box.dataset.name;
    hidden.value = upload.id;
    item.appendChild(hidden);
    if (upload.content_type.indexOf("image/") === 0) {
      const image = document.createElement("img");
      image.src = upload.url;
      image.alt = "";
      image.className = "rounded";
      image.style.height = "2.5rem";
      item.appendChild(image);
    }
    const name = document.createElement("span");
    name.className = "small ms-1";
    name.textContent = upload.name;
    item.appendChild(name);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-link btn-sm text-danger p-0 ms-1";
    remove.dataset.removeUpload = "";
    remove.textContent = box.dataset.removeLabel;
    item.appendChild(remove);
    return item;
  }

  function upload(box, input, file) {
    const form = input.form;
    const list = box.querySelector("[data-kept-uploads]");
    const error = box.querySelector("[data-upload-error]");
    const body = new FormData();
    body.append("file", file);
    const placeholder = document.createElement("li");
    placeholder.className = "list-inline-item small text-muted";
    placeholder.textContent = box.dataset.uploadingLabel + " " + file.name;
    list.appendChild(placeholder);
    pending(form, 1);
    return fetch(box.dataset.uploadUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form) },
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (result.ok) {
          list.replaceChild(keptItem(box, result.data), placeholder);
        } else {
          placeholder.remove();
          error.textContent = file.name + ": " + (result.data.error || "");
        }
      })
      .catch(function () {
        placeholder.remove();
        error.textContent = file.name;
      })
      .finally(function () { pending(form, -1); });
  }

  document.addEventListener("change", function (event) {
    const input = event.target;
    const box = input.closest && input.closest("[data-temporary-upload]");
    if (!box || input.type !== "file" || !input.files.length) { return; }
    box.querySelector("[data-upload-error]").textContent = "";
    const files = Array.prototype.slice.call(input.files);
    // The files are on their way to the server: the form carries their ids, not the files themselves.
    input.value = "";
    files.forEach(function (file) { upload(box, input, file); });
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-remove-upload]");
    if (button) { button.closest("li").remove(); }
  });
})();
