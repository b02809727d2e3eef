/* clm: small progressive enhancements. Every page works without this file; it only adds conveniences. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  onReady(function () {
    var topbar = document.querySelector(".topbar");
    var toggle = document.querySelector(".nav-toggle");
    if (topbar && toggle) {
      toggle.addEventListener("click", function () {
        var open = topbar.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
  });

  /* Buttons with data-dialog="ID" open the <dialog id="ID">; [data-close] buttons inside close it. */
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog"));
      if (dialog && typeof dialog.showModal === "function") {
        event.preventDefault();
        dialog.showModal();
        var first = dialog.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      }
      return;
    }
    var closer = event.target.closest("[data-close]");
    if (closer) {
      var parent = closer.closest("dialog");
      if (parent) {
        event.preventDefault();
        parent.close();
      }
    }
  });

  /* Forms with data-confirm ask before submitting (used where no dialog is shown). */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  /* Inline formsets: "add a row" clones the empty form and bumps TOTAL_FORMS. */
  document.addEventListener("click", function (event) {
    var adder = event.target.closest("[data-formset-add]");
    if (!adder) return;
    event.preventDefault();
    var prefix = adder.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var body = document.getElementById(prefix + "-rows");
    if (!total || !template || !body) return;
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  });

  /* Pickers (core.pickers): a select[data-autocomplete] holds only its current choice; Tom Select asks the URL for
     up to 20 people or vendors matching what is typed (name, user name, e-mail...). The server has already
     filtered, so every answer is shown as it came. Also run on content htmx swaps in (the share dialog). */
  function enhancePickers(root) {
    if (typeof window.TomSelect !== "function" || !root || !root.querySelectorAll) return;
    var selects = root.matches && root.matches("select[data-autocomplete]") ? [root] : [];
    selects = selects.concat(Array.prototype.slice.call(root.querySelectorAll("select[data-autocomplete]")));
    selects.forEach(function (select) {
      if (select.tomselect) return;
      var url = select.getAttribute("data-autocomplete");
      /* What the server answered for each text typed: an option loaded for an earlier text is not shown for a
         later one (typing 云 after the list of every vendor shows only the vendors matching 云). */
      var answers = {};
      var noResults = select.getAttribute("data-no-results") || "";
      var picker = new window.TomSelect(select, {
        valueField: "value",
        labelField: "label",
        searchField: [],
        allowEmptyOption: true,
        maxOptions: 20,
        loadThrottle: 300,
        preload: "focus",
        score: function (search) {
          var answer = answers[search];
          return function (item) {
            var value = String(item.value);
            if (value === "") return search === "" ? 1 : 0;
            return answer && answer[value] ? 1 : 0;
          };
        },
        render: {
          no_results: function (data, escape) {
            return '<div class="no-results">' + escape(noResults) + "</div>";
          },
        },
        load: function (query, callback) {
          var sep = url.indexOf("?") === -1 ? "?" : "&";
          fetch(url + sep + "q=" + encodeURIComponent(query), {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
          })
            .then(function (response) {
              return response.ok ? response.json() : { results: [] };
            })
            .then(function (data) {
              var results = data.results || [];
              var answer = {};
              results.forEach(function (result) {
                answer[String(result.value)] = true;
              });
              answers[query] = answer;
              callback(results);
            })
            .catch(function () {
              callback();
            });
        },
      });
      /* While text is typed, the current choice (or 请选择…) is hidden, so the box shows only the text. */
      picker.on("type", function (text) {
        picker.wrapper.classList.toggle("has-text", Boolean(text));
      });
      ["blur", "change"].forEach(function (event) {
        picker.on(event, function () {
          picker.wrapper.classList.remove("has-text");
        });
      });
    });
  }
  onReady(function () {
    enhancePickers(document);
  });
  // Saving a register view saves the search shown now: the filters change the address (hx-push-url) without
  // reloading the page, so the query is read from the address when the form is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("save-view") && form.elements.query) {
      form.elements.query.value = window.location.search.replace(/^\?/, "");
    }
  });
  document.addEventListener("htmx:load", function (event) {
    enhancePickers(event.detail && event.detail.elt);
  });
})();
