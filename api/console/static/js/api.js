// Talking to the public GraphQL API with the signed-in key, as any client does.

const KEY_ITEM = "reward-ledger.console.key";

export const session = {
  get key() { return sessionStorage.getItem(KEY_ITEM); },
  viewer: null,
  signIn(key, viewer) { sessionStorage.setItem(KEY_ITEM, key); this.viewer = viewer; },
  signOut() { sessionStorage.removeItem(KEY_ITEM); this.viewer = null; },
  atLeast(role) {
    const order = ["VIEWER", "OPERATOR", "ADMIN"];
    return this.viewer !== null && order.indexOf(this.viewer.role) >= order.indexOf(role);
  },
};

export class ApiError extends Error {
  constructor(code, message, details = null) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

// The bare key from what people paste: the key, "Bearer <key>" or the whole "Authorization: Bearer <key>".
export function bareKey(text) {
  return text.trim().replace(/^authorization:\s*/i, "").replace(/^bearer\s+/i, "").trim();
}

export async function gql(query, variables = {}, key = session.key) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch (failure) {
    throw new ApiError("NETWORK", `The server could not be reached (${failure.message}).`);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`HTTP_${response.status}`, `The server answered ${response.status} without JSON.`);
  }
  if (body.errors?.length) {
    const [first] = body.errors;
    throw new ApiError(first.extensions?.code ?? `HTTP_${response.status}`, first.message);
  }
  return body.data;
}

// A mutation's payload; its first userError becomes an ApiError with the server's code and message.
export async function mutate(query, input, field) {
  const payload = (await gql(query, { input }))[field];
  if (payload.userErrors?.length) {
    const [first] = payload.userErrors;
    throw new ApiError(first.code, first.message, first.details);
  }
  return payload;
}
