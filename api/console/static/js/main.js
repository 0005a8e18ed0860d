// The console's shell: sign-in, the navigation, and a small hash router that gives each view the page's
// main element. A view may return a function that stops what it started (a live subscription).

import { ApiError, bareKey, gql, session } from "./api.js";
import * as documents from "./documents.js";
import { errorBox, h, replace } from "./dom.js";
import { renderAttention } from "./views/attention.js";
import { renderOperations } from "./views/operations.js";
import { renderOverview } from "./views/overview.js";
import { renderReward } from "./views/reward.js";
import { renderRewards } from "./views/rewards.js";

const ROUTES = [
  { pattern: /^\/$/, view: renderOverview, nav: "overview", title: "Overview" },
  { pattern: /^\/rewards$/, view: renderRewards, nav: "rewards", title: "Rewards" },
  { pattern: /^\/rewards\/([^/]+)$/, view: renderReward, nav: "rewards", title: "Reward" },
  { pattern: /^\/attention$/, view: renderAttention, nav: "attention", title: "Attention" },
  { pattern: /^\/operations$/, view: renderOperations, nav: "operations", title: "Operations" },
];

const root = document.getElementById("console");
let stopView = null;

function route() {
  const [path, query = ""] = (location.hash.replace(/^#/, "") || "/").split("?");
  for (const candidate of ROUTES) {
    const match = path.match(candidate.pattern);
    if (match) return { ...candidate, args: match.slice(1).map(decodeURIComponent), params: new URLSearchParams(query) };
  }
  return { ...ROUTES[0], args: [], params: new URLSearchParams() };
}

// Each navigation renders into a fresh element: a view still loading when the person moves on renders into
// its own detached element, never over the next one, and whatever it started is stopped.
let navigation = 0;

async function show() {
  if (stopView) stopView();
  stopView = null;
  if (!session.viewer) return;
  const current = route();
  const mine = ++navigation;
  document.title = `${current.title} · reward-ledger console`;
  for (const link of document.querySelectorAll("nav a")) {
    link.toggleAttribute("aria-current", link.dataset.nav === current.nav);
  }
  const main = document.getElementById("main");
  const view = h("div", { class: "view" });
  replace(main, view);
  main.focus({ preventScroll: true });
  try {
    const stop = (await current.view(view, current.params, ...current.args)) ?? null;
    if (mine === navigation) stopView = stop;
    else if (stop) stop();
  } catch (error) {
    if (mine !== navigation) return;
    if (error.code === "UNAUTHENTICATED") {
      // The key was revoked or expired while the page was open: ask for one again, saying why.
      session.signOut();
      signInForm(error);
      return;
    }
    replace(view, errorBox(error));
  }
}

function shell() {
  const { viewer } = session;
  replace(root,
    h("header", { class: "top" },
      h("a", { href: "#/", class: "brand" }, "reward-ledger"),
      h("nav", { "aria-label": "Console" },
        h("a", { href: "#/", "data-nav": "overview" }, "Overview"),
        h("a", { href: "#/rewards", "data-nav": "rewards" }, "Rewards"),
        h("a", { href: "#/attention", "data-nav": "attention" }, "Attention"),
        h("a", { href: "#/operations", "data-nav": "operations" }, "Operations")),
      h("span", { class: "who" },
        h("span", { id: "tenant-name" }, viewer.tenant.name), " ",
        h("span", { id: "role", class: `badge badge-${viewer.role.toLowerCase()}` }, viewer.role.toLowerCase())),
      h("button", { type: "button", id: "sign-out", onclick: signOut }, "Sign out")),
    h("main", { id: "main", tabindex: "-1" }));
  show();
}

function signInForm(problem = null) {
  const field = h("input", { id: "api-key", name: "api-key", type: "password", autocomplete: "off", required: true,
    placeholder: "rl_key_…", "aria-describedby": "api-key-help" });
  const status = h("div", { id: "sign-in-status", role: "status", "aria-live": "polite" }, problem ? errorBox(problem) : null);
  const form = h("form", { class: "sign-in", onsubmit: async (event) => {
    event.preventDefault();
    replace(status, h("p", { class: "loading" }, "Checking the key…"));
    try {
      await signIn(bareKey(field.value));
    } catch (error) {
      replace(status, errorBox(error));
    }
  } },
    h("h1", {}, "reward-ledger console"),
    h("label", { for: "api-key" }, "API key"),
    field,
    h("p", { id: "api-key-help", class: "help" },
      "Paste an operator API key (viewer, operator or admin). It is kept for this browser tab only and sent to this ",
      "server alone. Member tokens cannot sign in."),
    h("button", { type: "submit" }, "Sign in"),
    status);
  replace(root, form);
  field.focus();
}

async function signIn(key) {
  if (!key) throw new ApiError("INVALID_INPUT", "Paste an API key first.");
  const { viewer } = await gql(documents.Viewer, {}, key);
  if (viewer.memberId !== null || viewer.role === "MEMBER") {
    throw new ApiError("MEMBER_TOKEN", "This is a member token: it can only see one member's own rewards. " +
      "Sign in with an operator API key.");
  }
  session.signIn(key, viewer);
  shell();
}

function signOut() {
  if (stopView) stopView();
  stopView = null;
  session.signOut();
  signInForm();
}

window.addEventListener("hashchange", show);

async function start() {
  const key = session.key;
  if (!key) return signInForm();
  try {
    await signIn(key);
  } catch (error) {
    session.signOut();
    signInForm(error);
  }
}

start();
