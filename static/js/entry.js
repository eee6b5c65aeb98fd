// Live percentage for ratio rows on the quarterly entry page: numerator / denominator × 100, to 0.1 %.
// Numbers are read by the same rules as the server (smrj_plan/numbers.py): full-width digits, commas grouping by
// three (「1,580」「１，５８０」), 「1580.0」, at most 12 integer digits and 2 decimals that matter, no exponent.
// Integer arithmetic on hundredths avoids floating-point surprises (the server recomputes with Decimal).
(function () {
  "use strict";

  var MAX_INPUT_CHARS = 64;
  var WHOLE_DIGITS = 12; // max_digits 14, decimal_places 2
  var DECIMAL_PLACES = 2;
  var FULL_WIDTH = { "，": ",", "．": ".", "＋": "+", "－": "-", "\u2212": "-", "\u3000": " " };
  for (var i = 0; i < 10; i++) FULL_WIDTH[String.fromCharCode(0xff10 + i)] = String(i);
  var NUMBER = /^([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.([0-9]*))?$/;
  var UNREADABLE = {}; // a typed value the server would refuse

  function normalise(text) {
    var out = "";
    for (var k = 0; k < text.length; k++) {
      var c = text.charAt(k);
      out += Object.prototype.hasOwnProperty.call(FULL_WIDTH, c) ? FULL_WIDTH[c] : c;
    }
    return out;
  }

  // hundredths of the typed number (a BigInt), null when blank, UNREADABLE when the server would refuse it.
  function hundredths(text) {
    var s = (text || "").replace(/^[\s\u3000]+|[\s\u3000]+$/g, "");
    if (!s) return null;
    if (s.length > MAX_INPUT_CHARS) return UNREADABLE;
    var m = NUMBER.exec(normalise(s));
    if (!m) return UNREADABLE;
    var rawWhole = m[2].replace(/,/g, "");
    var rawFraction = m[3] || "";
    if (!rawWhole && !rawFraction) return UNREADABLE;
    var whole = rawWhole.replace(/^0+/, "");
    var fraction = rawFraction.replace(/0+$/, "");
    if (whole.length > WHOLE_DIGITS || fraction.length > DECIMAL_PLACES) return UNREADABLE;
    var value = BigInt(whole || "0") * 100n + BigInt((fraction + "00").slice(0, 2));
    if (m[1] === "-" && value !== 0n) return UNREADABLE; // figures are 0 or more
    return value;
  }

  function percentText(num, den) {
    if (num === UNREADABLE || den === UNREADABLE) return "数値として読めない入力があります";
    if (num === null || den === null) return "—";
    if (den === 0n) return "分母が0では計算できません";
    if (num > den) return "分子が分母を超えています";
    // round half up to one decimal: (num * 1000 / den + 5) / 10 → tenths of a percent
    var tenths = (num * 10000n / den + 5n) / 10n;
    return (tenths / 10n).toString() + "." + (tenths % 10n).toString() + "%";
  }

  function update(row) {
    var num = row.querySelector('[data-ratio="numerator"]');
    var den = row.querySelector('[data-ratio="denominator"]');
    var out = row.querySelector("[data-ratio-output]");
    if (!num || !den || !out) return;
    out.textContent = percentText(hundredths(num.value), hundredths(den.value));
  }

  document.querySelectorAll(".entry-row").forEach(function (row) {
    if (!row.querySelector("[data-ratio-output]")) return;
    row.addEventListener("input", function () { update(row); });
    update(row);
  });
})();
