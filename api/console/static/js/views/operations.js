// Operations: reconciliation per provider and Beijing day, job runs (failures stand out, new ones arrive
// live), provider settings with secrets masked (admins edit them), and API keys (admins).

import { gql, mutate, session } from "../api.js";
import { flash, openDialog } from "../dialogs.js";
import * as documents from "../documents.js";
import { badge, errorBox, h, loading, replace, table } from "../dom.js";
import { BEIJING, beijingDay, json, money, timeElement, words } from "../format.js";
import { LiveSubscription } from "../live.js";

const FEED_PROVIDERS = ["instant-lottery", "red-packet"];
const JOBS = ["sync-rewards", "expire-holds", "reconcile", "audit", "refresh-station-tokens", "prune-webhook-nonces"];

export async function renderOperations(main) {
  replace(main, h("h1", {}, "Operations"), loading());
  const reload = () => renderOperations(main);
  const operator = session.atLeast("OPERATOR");
  const [runs, settings, keys] = await Promise.all([
    operator ? gql(documents.Operations) : null,
    gql(documents.ProviderSettings),
    session.atLeast("ADMIN") ? gql(documents.ApiKeys) : null,
  ]);
  const jobRows = h("tbody", {}, runs ? runs.jobRuns.nodes.map(jobRow) : []);
  replace(main,
    h("h1", {}, "Operations"),
    h("section", { "aria-labelledby": "reconciliation-heading", id: "reconciliation" },
      h("h2", { id: "reconciliation-heading" }, "Reconciliation"),
      session.atLeast("ADMIN") ? reconcileForm(reload) : null,
      runs ? reconciliationTable(runs.reconciliationRuns.nodes) : h("p", { class: "empty" }, "Shown to operators and admins.")),
    h("section", { "aria-labelledby": "jobs-heading", id: "jobs" },
      h("h2", { id: "jobs-heading" }, "Job runs"),
      session.atLeast("ADMIN") ? runJobForm(reload) : null,
      runs
        ? h("div", { class: "table-wrap" }, h("table", { id: "job-runs" },
          h("thead", {}, h("tr", {}, ["Job", "Status", "Scheduled", "Finished", "Instance", "Counts", "Error"].map(
            (header) => h("th", { scope: "col" }, header)))), jobRows))
        : h("p", { class: "empty" }, "Shown to operators and admins.")),
    h("section", { "aria-labelledby": "providers-heading", id: "providers" },
      h("h2", { id: "providers-heading" }, "Provider settings"),
      providerSettings(settings.providerConfigs, reload)),
    keys ? h("section", { "aria-labelledby": "keys-heading", id: "api-keys" },
      h("h2", { id: "keys-heading" }, "API keys"),
      apiKeys(keys.apiKeys, reload)) : null);
  if (!runs) return null;
  const live = new LiveSubscription({ query: documents.JobRunFinished, field: "jobRunFinished",
    onData: (run) => {
      jobRows.querySelector(`tr[data-job-run="${CSS.escape(run.id)}"]`)?.remove();
      jobRows.prepend(jobRow(run));
    } }).start();
  return () => live.stop();
}

function beijingToday() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: BEIJING }).format(new Date());
}

function reconcileForm(reload) {
  const status = h("div", { role: "status", "aria-live": "polite" });
  const form = h("form", { class: "inline-form", id: "reconcile-form", onsubmit: async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    replace(status, loading("Reconciling…"));
    try {
      const payload = await mutate(documents.RunReconciliation, { provider: data.get("provider"), date: data.get("date") },
        "runReconciliation");
      const run = payload.reconciliationRun;
      flash(`Reconciliation ${words(run.status)}: ${run.discrepancyCount} discrepancies.${run.note ? ` ${run.note}` : ""}`);
      await reload();
    } catch (error) {
      replace(status, errorBox(error));
    }
  } },
  h("label", {}, "Provider", h("select", { name: "provider" }, FEED_PROVIDERS.map((name) => h("option", { value: name }, name)))),
  h("label", {}, "Day (Beijing)", h("input", { type: "date", name: "date", required: true, value: beijingToday(), max: beijingToday() })),
  h("button", { type: "submit", class: "primary" }, "Reconcile now"),
  status);
  return form;
}

function reconciliationTable(runs) {
  return table(["Provider", "Day", "Status", "Matched", "Matched amount", "Discrepancies", "Note", "Started"],
    runs.map((run) => h("tr", { class: run.status === "FAILED" ? "failed" : null },
      h("td", {}, run.provider),
      h("td", {}, beijingDay(run.date)),
      h("td", {}, badge(words(run.status), run.status)),
      h("td", { class: "num" }, String(run.matchedCount)),
      h("td", { class: "num" }, money(run.matchedAmount)),
      h("td", { class: "num" }, run.discrepancyCount ? h("a", { href: "#/attention" }, String(run.discrepancyCount)) : "0"),
      h("td", {}, run.note ?? ""),
      h("td", {}, timeElement(run.startedAt, { beijing: true })))), { empty: "No reconciliation has run yet." });
}

function jobRow(run) {
  return h("tr", { "data-job-run": run.id, class: run.status === "FAILED" ? "failed" : null },
    h("td", {}, run.job),
    h("td", {}, badge(words(run.status), run.status)),
    h("td", {}, timeElement(run.scheduledFor)),
    h("td", {}, timeElement(run.finishedAt)),
    h("td", {}, run.instance),
    h("td", { class: "mono" }, JSON.stringify(run.counts)),
    h("td", { class: "error-text" }, run.error ?? ""));
}

function runJobForm(reload) {
  const status = h("div", { role: "status", "aria-live": "polite" });
  const form = h("form", { class: "inline-form", onsubmit: async (event) => {
    event.preventDefault();
    replace(status, loading("Running…"));
    try {
      const { jobRun } = await mutate(documents.RunJob, { job: new FormData(form).get("job") }, "runJob");
      flash(`${jobRun.job}: ${words(jobRun.status)} ${JSON.stringify(jobRun.counts)}${jobRun.error ? ` ${jobRun.error}` : ""}`);
      await reload();
    } catch (error) {
      replace(status, errorBox(error));
    }
  } },
  h("label", {}, "Job", h("select", { name: "job", id: "job-name" }, JOBS.map((job) => h("option", { value: job }, job)))),
  h("button", { type: "submit" }, "Run now"),
  status);
  return form;
}

function providerSettings(configs, reload) {
  if (!configs.length) return h("p", { class: "empty" }, "No provider connected yet.");
  return h("div", { class: "providers" }, configs.map((config) => h("article", { class: "provider", "data-provider": config.provider },
    h("h3", {}, config.provider),
    h("p", {}, "Updated ", timeElement(config.updatedAt)),
    h("pre", { class: "settings" }, json(config.settings)),
    session.atLeast("ADMIN")
      ? h("button", { type: "button", onclick: () => editSettings(config, reload) }, "Edit settings…")
      : null)));
}

function editSettings(config, reload) {
  const editor = h("textarea", { name: "settings", rows: 16, class: "mono", spellcheck: "false", required: true });
  editor.value = json(config.settings);
  openDialog({
    title: `Settings: ${config.provider}`,
    content: [
      h("p", { class: "help" }, "Secrets show masked; leave a masked value as it is to keep the stored secret."),
      h("label", {}, "Settings (JSON)", editor),
    ],
    confirmLabel: "Save",
    onConfirm: async (form) => {
      let settings;
      try {
        settings = JSON.parse(String(form.get("settings")));
      } catch (error) {
        throw Object.assign(new Error(`The settings are not JSON: ${error.message}`), { code: "INVALID_INPUT" });
      }
      await mutate(documents.ConfigureProvider, { provider: config.provider, settings }, "configureProvider");
      flash(`Saved ${config.provider}'s settings.`);
      await reload();
    },
  });
}

function apiKeys(keys, reload) {
  return [
    h("form", { class: "inline-form", id: "create-key-form", onsubmit: (event) => {
      event.preventDefault();
      createKey(new FormData(event.target), reload);
    } },
    h("label", {}, "Role", h("select", { name: "role" }, ["VIEWER", "OPERATOR", "ADMIN"].map(
      (role) => h("option", { value: role }, words(role))))),
    h("label", {}, "Label", h("input", { name: "label", maxlength: 100 })),
    h("button", { type: "submit" }, "Create key")),
    table(["Prefix", "Role", "Label", "Created", "Revoked", ""], keys.map((key) => h("tr", { "data-api-key": key.id },
      h("td", { class: "mono" }, key.prefix),
      h("td", {}, words(key.role)),
      h("td", {}, key.label),
      h("td", {}, timeElement(key.createdAt)),
      h("td", {}, key.revokedAt ? timeElement(key.revokedAt) : "—"),
      h("td", {}, key.revokedAt ? null : h("button", { type: "button", class: "small danger",
        onclick: () => revokeKey(key, reload) }, "Revoke"))))),
  ];
}

async function createKey(data, reload) {
  try {
    const payload = await mutate(documents.CreateApiKey, { role: data.get("role"), label: data.get("label") ?? "" },
      "createApiKey");
    const secret = h("input", { readonly: true, value: payload.secret, class: "mono", id: "new-key-secret", size: 60 });
    openDialog({
      title: "The new key",
      content: [h("p", {}, "Copy it now: it is shown once and never again."), secret],
      confirmLabel: "Done",
      onConfirm: async () => reload(),
    });
    secret.select();
  } catch (error) {
    flash(`${error.code}: ${error.message}`);
  }
}

function revokeKey(key, reload) {
  openDialog({
    title: `Revoke ${key.prefix}…`,
    content: h("p", {}, `Requests with this ${words(key.role)} key are refused from now on.`),
    confirmLabel: "Revoke",
    danger: true,
    onConfirm: async () => {
      await mutate(documents.RevokeApiKey, { apiKeyId: key.id }, "revokeApiKey");
      flash("Revoked.");
      await reload();
    },
  });
}
