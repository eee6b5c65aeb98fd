// Live percentage for ratio rows on the quarterly entry page: numerator / denominator × 100, to 0.1 %.
// Integer arithmetic on hundredths avoids floating-point surprises (the server recomputes with Decimal).
(function () {
  "use strict";

  function hundredths(text) {
    var s = (text || "").trim().replace(/,/g, "");
    if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
    var parts = s.split(".");
    var frac = (parts[1] || "").padEnd(2, "0");
    return BigInt(parts[0]) * 100n + BigInt(frac);
  }

  function percentText(num, den) {
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
