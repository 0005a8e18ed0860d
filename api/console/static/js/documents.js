// Every GraphQL document the console sends. They use the public API only, like any other client;
// tests/unit/test_console_documents.py validates each against schema.graphql.

const MONEY = "{ amount asset formatted }";

export const Viewer = /* GraphQL */ `query ConsoleViewer { viewer { role memberId tenant { id name } } }`;

export const Overview = /* GraphQL */ `query ConsoleOverview($zone: String!) {
  campaigns(first: 100) {
    nodes { id name asset budget { id balance { posted ${MONEY} pending ${MONEY} available ${MONEY} } } }
  }
  unknown: rewards(first: 1, filter: {status: UNKNOWN}) { totalCount }
  needsAttention: rewards(first: 1, filter: {status: NEEDS_ATTENTION}) { totalCount }
  providerConfigs { provider lastCall { operation outcome code message at } }
  rewardVolume(days: 30, timeZone: $zone) { day kind count amount ${MONEY} }
}`;

export const OpenDiscrepancyCount = /* GraphQL */ `query ConsoleOpenDiscrepancies {
  discrepancies(first: 1, filter: {status: OPEN}) { totalCount }
}`;

const REWARD_ROW = `id kind status provider memberId createdAt updatedAt amount ${MONEY} attentionReason
  campaign { id name }`;

export const Rewards = /* GraphQL */ `query ConsoleRewards($first: Int!, $after: String, $filter: RewardFilter) {
  rewards(first: $first, after: $after, filter: $filter, orderBy: {direction: DESC}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { ${REWARD_ROW} }
  }
  events(first: 1) { totalCount }
}`;

export const RewardUpdates = /* GraphQL */ `subscription ConsoleRewardUpdates($after: Int, $filter: RewardFilter) {
  rewardUpdated(after: $after, filter: $filter) { sequence type reward { ${REWARD_ROW} } }
}`;

export const CampaignOptions = /* GraphQL */ `query ConsoleCampaignOptions { campaigns(first: 100) { nodes { id name } } }`;

export const Reward = /* GraphQL */ `query ConsoleReward($id: ID!) {
  reward(id: $id) {
    ${REWARD_ROW}
    syncAttempts nextSyncAt providerRefs details
    resolution { resolution note amount ${MONEY} resolvedBy resolvedAt }
    transfers {
      id state createdAt expiresAt resolvedAt amount ${MONEY} postedAmount ${MONEY} reverses { id }
      debitAccount { id kind asset memberId } creditAccount { id kind asset memberId }
    }
    events { id sequence type createdAt data transfer { id } }
  }
}`;

export const SyncReward = /* GraphQL */ `mutation ConsoleSyncReward($input: SyncRewardInput!) {
  syncReward(input: $input) { reward { id status } userErrors { field code message details } }
}`;

export const SettleReward = /* GraphQL */ `mutation ConsoleSettleReward($input: SettleRewardInput!) {
  settleReward(input: $input) { reward { id status } userErrors { field code message details } }
}`;

export const ReverseTransfer = /* GraphQL */ `mutation ConsoleReverseTransfer($input: ReverseTransferInput!) {
  reverseTransfer(input: $input) { transfer { id state } userErrors { field code message details } }
}`;

export const ResolveReward = /* GraphQL */ `mutation ConsoleResolveReward($input: ResolveRewardInput!) {
  resolveReward(input: $input) { reward { id status } userErrors { field code message details } }
}`;

export const AttentionRewards = /* GraphQL */ `query ConsoleAttention($before: DateTime!) {
  needsAttention: rewards(first: 100, filter: {status: NEEDS_ATTENTION}, orderBy: {direction: DESC}) {
    totalCount nodes { ${REWARD_ROW} }
  }
  oldUnknown: rewards(first: 100, filter: {status: UNKNOWN, createdBefore: $before}, orderBy: {direction: DESC}) {
    totalCount nodes { ${REWARD_ROW} syncAttempts nextSyncAt }
  }
}`;

const DISCREPANCY = `id kind status provider date reference ledgerAmount ${MONEY} providerAmount ${MONEY}
  ledgerStatus providerStatus evidence resolution note resolvedAt resolvedBy createdAt reward { id status }`;

export const OpenDiscrepancies = /* GraphQL */ `query ConsoleDiscrepancies($after: String) {
  discrepancies(first: 100, after: $after, filter: {status: OPEN}) {
    totalCount pageInfo { hasNextPage endCursor } nodes { ${DISCREPANCY} }
  }
}`;

export const ResolutionPreview = /* GraphQL */ `query ConsoleResolutionPreview($id: ID!,
    $resolution: DiscrepancyResolution!) {
  node(id: $id) {
    ... on Discrepancy {
      id
      resolutionPreview(resolution: $resolution) {
        resolution rewardStatus refusal { code message }
        transfer {
          amount ${MONEY} state
          debitAccount { kind asset memberId } creditAccount { kind asset memberId }
        }
      }
    }
  }
}`;

export const ResolveDiscrepancy = /* GraphQL */ `mutation ConsoleResolveDiscrepancy($input: ResolveDiscrepancyInput!) {
  resolveDiscrepancy(input: $input) {
    discrepancy { id status resolution }
    transfer { id amount ${MONEY} }
    userErrors { field code message details }
  }
}`;

export const Operations = /* GraphQL */ `query ConsoleOperations {
  reconciliationRuns(first: 50, orderBy: {direction: DESC}) {
    totalCount
    nodes { id provider date status matchedCount matchedAmount ${MONEY} discrepancyCount note startedAt finishedAt }
  }
  jobRuns(first: 50, orderBy: {direction: DESC}) {
    totalCount nodes { id job status scheduledFor startedAt finishedAt instance counts error }
  }
}`;

export const ProviderSettings = /* GraphQL */ `query ConsoleProviderSettings {
  providerConfigs { provider baseUrl settings updatedAt lastCall { operation outcome code message at } }
}`;

export const ApiKeys = /* GraphQL */ `query ConsoleApiKeys { apiKeys { id role prefix label createdAt revokedAt } }`;

export const RunReconciliation = /* GraphQL */ `mutation ConsoleRunReconciliation($input: RunReconciliationInput!) {
  runReconciliation(input: $input) {
    reconciliationRun { id status discrepancyCount note }
    userErrors { field code message details }
  }
}`;

export const RunJob = /* GraphQL */ `mutation ConsoleRunJob($input: RunJobInput!) {
  runJob(input: $input) { jobRun { id job status counts error } userErrors { field code message details } }
}`;

export const ConfigureProvider = /* GraphQL */ `mutation ConsoleConfigureProvider($input: ConfigureProviderInput!) {
  configureProvider(input: $input) {
    providerConfig { provider settings updatedAt }
    userErrors { field code message details } }
}`;

export const CreateApiKey = /* GraphQL */ `mutation ConsoleCreateApiKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { apiKey { id role prefix label } secret userErrors { field code message details } }
}`;

export const RevokeApiKey = /* GraphQL */ `mutation ConsoleRevokeApiKey($input: RevokeApiKeyInput!) {
  revokeApiKey(input: $input) { apiKey { id revokedAt } userErrors { field code message details } }
}`;

export const JobRunFinished = /* GraphQL */ `subscription ConsoleJobRunFinished {
  jobRunFinished { id job status scheduledFor startedAt finishedAt instance counts error }
}`;
