// Times in the operator's own zone; Beijing time beside them where a provider's day is meant.

export const operatorZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
export const BEIJING = "Asia/Shanghai";

const inOperatorZone = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const inBeijing = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium", timeZone: BEIJING });

export function localTime(iso) {
  return iso ? inOperatorZone.format(new Date(iso)) : "—";
}

export function beijingTime(iso) {
  return iso ? inBeijing.format(new Date(iso)) : "—";
}

// A <time>: the operator's zone, and with `beijing` the provider's clock beside it.
export function timeElement(iso, { beijing = false } = {}) {
  const element = document.createElement("time");
  if (!iso) {
    element.textContent = "—";
    return element;
  }
  element.dateTime = iso;
  element.textContent = localTime(iso);
  element.title = `${iso} (your zone: ${operatorZone})`;
  if (beijing && operatorZone !== BEIJING) {
    const provider = document.createElement("span");
    provider.className = "beijing";
    provider.textContent = ` · Beijing ${beijingTime(iso)}`;
    element.append(provider);
  }
  return element;
}

// A provider's day (a Date such as 2026-11-28) is a Beijing day: say so.
export function beijingDay(date) {
  return `${date} (Beijing day)`;
}

export function money(value) {
  return value ? value.formatted : "—";
}

export function words(enumValue) {
  return enumValue ? enumValue.toLowerCase().replaceAll("_", " ") : "—";
}

export function json(value) {
  return JSON.stringify(value, null, 2);
}
