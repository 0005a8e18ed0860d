// Value issued per day and reward kind: stacked bars drawn as SVG, one asset at a time.

const SVG = "http://www.w3.org/2000/svg";
const KIND_COLOURS = {
  GRANT: "#2563eb", DRAW: "#9333ea", COUPON: "#0d9488", RED_PACKET: "#dc2626", LOTTERY_TICKET: "#d97706",
};

function svg(tag, attributes = {}, text = null) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== null) element.textContent = text;
  return element;
}

function lastDays(count) {
  const days = [];
  const today = new Date();
  for (let back = count - 1; back >= 0; back -= 1) {
    const day = new Date(today.getFullYear(), today.getMonth(), today.getDate() - back);
    days.push(`${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}-${String(day.getDate()).padStart(2, "0")}`);
  }
  return days;
}

// `rows`: rewardVolume's rows of one asset. Returns a <figure> with the chart and a table of the same figures
// (screen readers and keyboards get the numbers, not a picture of them).
export function volumeChart(rows, asset, { days = 30 } = {}) {
  const dayList = lastDays(days);
  const kinds = [...new Set(rows.map((row) => row.kind))].sort();
  const totals = new Map(dayList.map((day) => [day, 0]));
  for (const row of rows) totals.set(row.day, (totals.get(row.day) ?? 0) + Number(row.amount.amount));
  const highest = Math.max(1, ...totals.values());
  const width = 1000, height = 200, left = 8, bottom = 24, top = 8;
  const barWidth = (width - left * 2) / dayList.length;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart",
    "aria-label": `Value issued per day in ${asset}, last ${days} days` });
  dayList.forEach((day, index) => {
    let y = height - bottom;
    for (const kind of kinds) {
      const row = rows.find((candidate) => candidate.day === day && candidate.kind === kind);
      if (!row) continue;
      const barHeight = (Number(row.amount.amount) / highest) * (height - bottom - top);
      y -= barHeight;
      const bar = svg("rect", { x: left + index * barWidth + 1, y, width: Math.max(1, barWidth - 2),
        height: Math.max(1, barHeight), fill: KIND_COLOURS[kind] ?? "#64748b" });
      bar.append(svg("title", {}, `${day} · ${kind}: ${row.amount.formatted} (${row.count})`));
      chart.append(bar);
    }
    if (index % 5 === 0 || index === dayList.length - 1) {
      chart.append(svg("text", { x: left + index * barWidth, y: height - 6, class: "axis" }, day.slice(5)));
    }
  });
  const legend = document.createElement("ul");
  legend.className = "legend";
  for (const kind of kinds) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = KIND_COLOURS[kind] ?? "#64748b";
    item.append(swatch, kind.toLowerCase().replaceAll("_", " "));
    legend.append(item);
  }
  const figure = document.createElement("figure");
  const caption = document.createElement("figcaption");
  caption.textContent = `${asset}: value issued per day, last ${days} days (your zone)`;
  figure.append(caption, chart, legend);
  return figure;
}
