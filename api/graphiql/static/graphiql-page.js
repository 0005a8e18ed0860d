// reward-ledger's GraphiQL page: a field for the credential, kept for the browser session, above GraphiQL,
// which asks for the schema only once there is a credential to ask with (every POST /graphql needs one).
(function () {
  "use strict";

  const STORAGE_KEY = "reward-ledger.graphiql.credential";
  const GRAPHQL_URL = window.location.origin + window.location.pathname;
  // Valid JSON, so the header editor works as soon as someone types in it.
  const EXAMPLE_HEADERS = '{\n  "X-Request-Id": "optional"\n}';
  const EXAMPLE_QUERY = `# Enter an API key above, then run this (Ctrl-Enter).
# The headers below are sent along with the key.
{
  viewer {
    role
    tenant {
      name
    }
  }
}
`;

  const form = document.getElementById("api-key-bar");
  const input = document.getElementById("api-key");
  const status = document.getElementById("api-key-status");

  // People paste what the README and the demo print, "Authorization: Bearer rl_key_…", or a part of it.
  function bareCredential(text) {
    return text
      .trim()
      .replace(/^authorization\s*:\s*/i, "")
      .replace(/^bearer\s+/i, "")
      .trim();
  }

  // sessionStorage: the key survives a reload but not the browser session. It can be unavailable
  // (storage disabled), and then the page still works, only forgetting the key on reload.
  function storedCredential() {
    try {
      return window.sessionStorage.getItem(STORAGE_KEY) || "";
    } catch {
      return "";
    }
  }

  function storeCredential(credential) {
    try {
      if (credential) {
        window.sessionStorage.setItem(STORAGE_KEY, credential);
      } else {
        window.sessionStorage.removeItem(STORAGE_KEY);
      }
    } catch {
      // See storedCredential.
    }
  }

  function showStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  // The header editor's headers, with the field's credential as the one Authorization header (an
  // "authorization" typed in the editor would otherwise be joined to it into one invalid value).
  function requestHeaders(editorHeaders, credential) {
    const headers = {};
    for (const [name, value] of Object.entries(editorHeaders || {})) {
      if (!(credential && name.toLowerCase() === "authorization")) {
        headers[name] = String(value);
      }
    }
    if (credential) {
      headers.Authorization = "Bearer " + credential;
    }
    headers["Content-Type"] = "application/json";
    headers.Accept = "application/json";
    return headers;
  }

  // A plain POST rather than GraphiQL.createFetcher: the API has no subscriptions or incremental delivery
  // yet, and this keeps the one thing that matters here, the Authorization header, in plain sight.
  function fetcherFor(credential) {
    return async function fetcher(params, options) {
      const response = await fetch(GRAPHQL_URL, {
        method: "POST",
        headers: requestHeaders(options && options.headers, credential),
        body: JSON.stringify(params),
      });
      if (response.status === 401) {
        showStatus("error", credential ? "The key was refused: it is unknown, revoked or expired."
                                       : "Enter an API key first.");
      }
      const text = await response.text();
      try {
        return JSON.parse(text);
      } catch {
        return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
      }
    };
  }

  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  // Made once: GraphiQL treats a new plugin list as a change of plugins.
  const plugins = [GraphiQLPluginExplorer.explorerPlugin()];

  // Rendering again with a new fetcher makes GraphiQL fetch the schema again; `schema: null` tells it not
  // to fetch it at all, which without a credential could only answer UNAUTHENTICATED.
  function renderGraphiQL(credential) {
    root.render(
      React.createElement(GraphiQL, {
        fetcher: fetcherFor(credential),
        schema: credential ? undefined : null,
        onSchemaChange: () => showStatus("ok", "Schema loaded: Docs and completion work."),
        plugins: plugins,
        defaultQuery: EXAMPLE_QUERY,
        defaultHeaders: EXAMPLE_HEADERS,
        defaultEditorToolsVisibility: "headers",
        isHeadersEditorEnabled: true,
        // Headers are not written to localStorage; the key lives in sessionStorage only.
        shouldPersistHeaders: false,
        inputValueDeprecation: true,
      }),
    );
  }

  let currentCredential = null;

  function applyCredential(text) {
    const credential = bareCredential(text);
    input.value = credential;
    if (credential === currentCredential) {
      return; // Enter fires both change and submit; GraphiQL's own button re-fetches the schema
    }
    currentCredential = credential;
    storeCredential(credential);
    if (credential) {
      showStatus("busy", "Loading the schema…");
    } else {
      showStatus("", "Enter an API key to load the schema and run operations.");
    }
    renderGraphiQL(credential);
  }

  // A key is used when it is pasted, on Enter or "Use key", and when the field loses focus; not on every
  // keystroke, which would send half-typed keys.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    applyCredential(input.value);
  });
  input.addEventListener("change", () => applyCredential(input.value));
  input.addEventListener("input", (event) => {
    if (event.inputType === "insertFromPaste" || event.inputType === "insertFromDrop") {
      applyCredential(input.value);
    }
  });

  applyCredential(storedCredential());
})();
