// Overview: campaign budgets, value issued per day, what waits for a person, and each provider's last call.

import { gql, session } from "../api.js";
import { volumeChart } from "../chart.js";
import * as documents from "../documents.js";
import { badge, h, loading, replace, table } from "../dom.js";
import { money, operatorZone, timeElement, words } from "../format.js";

export async function renderOverview(main) {
  replace(main, h("h1", {}, "Overview"), loading());
  const data = await gql(documents.Overview, { zone: operatorZone });
  const openDiscrepancies = session.atLeast("OPERATOR")
    ? (await gql(documents.OpenDiscrepancyCount)).discrepancies.totalCount
    : null;
  replace(main,
    h("h1", {}, "Overview"),
    counters(data, openDiscrepancies),
    h("section", { "aria-labelledby": "campaigns-heading" },
      h("h2", { id: "campaigns-heading" }, "Campaign budgets"),
      campaignTable(data.campaigns.nodes)),
    h("section", { "aria-labelledby": "volume-heading" },
      h("h2", { id: "volume-heading" }, "Value issued, last 30 days"),
      volume(data.rewardVolume)),
    h("section", { "aria-labelledby": "providers-heading" },
      h("h2", { id: "providers-heading" }, "Providers"),
      providerTable(data.providerConfigs)));
}

function counters(data, openDiscrepancies) {
  const card = (id, label, count, href, hint) => h("a", { class: `counter${count ? " counter-alert" : ""}`, id, href },
    h("span", { class: "counter-value" }, count === null ? "—" : String(count)),
    h("span", { class: "counter-label" }, label),
    hint ? h("span", { class: "counter-hint" }, hint) : null);
  return h("div", { class: "counters" },
    card("count-unknown", "unknown", data.unknown.totalCount, "#/rewards?status=UNKNOWN"),
    card("count-needs-attention", "need attention", data.needsAttention.totalCount, "#/rewards?status=NEEDS_ATTENTION"),
    card("count-discrepancies", "open discrepancies", openDiscrepancies, "#/attention",
      openDiscrepancies === null ? "operators and admins" : null));
}

function campaignTable(campaigns) {
  return table(["Campaign", "Asset", "Posted", "Pending", "Available"], campaigns.map((campaign) => {
    const { posted, pending, available } = campaign.budget.balance;
    return h("tr", { "data-campaign": campaign.id },
      h("th", { scope: "row" }, h("a", { href: `#/rewards?campaignId=${encodeURIComponent(campaign.id)}` }, campaign.name)),
      h("td", {}, campaign.asset),
      h("td", { class: "num" }, money(posted)),
      h("td", { class: "num" }, money(pending)),
      h("td", { class: "num" }, money(available)));
  }), { empty: "No campaigns yet." });
}

function volume(rows) {
  if (!rows.length) return h("p", { class: "empty" }, "Nothing issued in the last 30 days.");
  const assets = [...new Set(rows.map((row) => row.amount.asset))].sort((a, b) => (a === "CNY" ? -1 : b === "CNY" ? 1 : a.localeCompare(b)));
  return h("div", { class: "charts" }, assets.map((asset) => volumeChart(rows.filter((row) => row.amount.asset === asset), asset)));
}

function providerTable(configs) {
  return table(["Provider", "Last call", "Outcome", "Code", "Message", "When"], configs.map((config) => {
    const call = config.lastCall;
    return h("tr", { "data-provider": config.provider },
      h("th", { scope: "row" }, config.provider),
      h("td", {}, call ? call.operation : "—"),
      h("td", {}, call ? badge(words(call.outcome), call.outcome) : "never called"),
      h("td", {}, call?.code ?? ""),
      h("td", {}, call?.message ?? ""),
      h("td", {}, call ? timeElement(call.at, { beijing: true }) : ""));
  }), { empty: "No provider connected yet." });
}
