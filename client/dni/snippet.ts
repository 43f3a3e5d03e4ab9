/**
 * dni.js, the snippet a business pastes into its website (dynamic number insertion):
 *
 *   <script async src="https://<switchboard>/dni.js" data-switchboard="<tenant slug>" data-number="(415) 555-0100"></script>
 *
 * It asks Switchboard (POST /dni/visits, on the script's own origin) for this visit's number and shows
 * it where the page shows the business's number (`data-number`, several comma-separated) and in every
 * element with the class `switchboard-number`: in the text, as the page wrote it, and in `tel:`
 * links. Pages that change later (single-page sites) are followed. The visit's id is kept in the
 * site's own localStorage (first-party; no cookie); the visit's first page in sessionStorage, so its
 * utm parameters count on the pages after it. If Switchboard cannot be reached, or names no number,
 * the page stays exactly as it was. No dependencies; test/client/dni.test.ts holds it under 3 KB gzipped.
 */
import { digitsOf, replaceNumbers, sameNumber } from "./swap.ts";

type Answer = { visitId: string; number: string | null; display: string | null };

const VISIT = "switchboard-visit";
const LANDING = "switchboard-landing";
const CLASS = "switchboard-number";
/** Where a number is never written: code, styles, and what the visitor types. */
const SKIP = /^(SCRIPT|STYLE|NOSCRIPT|TEXTAREA|INPUT|SELECT|OPTION|TEMPLATE)$/;

function storage(kind: "localStorage" | "sessionStorage") {
  try {
    return window[kind];
  } catch {
    // Storage blocked (privacy settings): the visit simply is a new one each page.
    return null;
  }
}

function read(store: Storage | null, key: string) {
  try {
    return store?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(store: Storage | null, key: string, value: string) {
  try {
    store?.setItem(key, value);
  } catch {
    // Full or blocked: nothing to keep, nothing broken.
  }
}

function start(script: HTMLScriptElement, tenant: string) {
  const targets = (script.dataset.number ?? "").split(",").map(digitsOf).filter((d) => d.length >= 7);
  const local = storage("localStorage");
  const session = storage("sessionStorage");
  let landing = read(session, LANDING);
  if (!landing) write(session, LANDING, (landing = location.href));

  const inClass = (node: Node) => !!(node instanceof Element ? node : node.parentElement)?.closest(`.${CLASS}`);

  function swap(root: Node, answer: Answer & { number: string }) {
    // Text: the business's number wherever it is written, any number inside the class's elements.
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node: Node | null = root.nodeType === 3 ? root : walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || SKIP.test(parent.tagName)) continue;
      const any = inClass(node);
      if (!any && targets.length === 0) continue;
      const before = node.nodeValue ?? "";
      const after = replaceNumbers(before, targets, answer.number, any);
      if (after !== before) node.nodeValue = after;
      if (root.nodeType === 3) break;
    }
    if (!(root instanceof Element || root instanceof Document)) return;
    const elements = [...(root instanceof Element ? [root] : []), ...root.querySelectorAll("*")];
    for (const el of elements) {
      const href = el.getAttribute("href");
      if (el.tagName === "A" && href?.startsWith("tel:") && (inClass(el) || targets.some((t) => sameNumber(t, digitsOf(href))))) {
        const tel = `tel:${answer.number}`;
        if (href !== tel) el.setAttribute("href", tel);
      }
      // An element of the class with no number written in it shows the number as Switchboard writes it.
      if (el.classList.contains(CLASS) && answer.display && !/\d{3}/.test(el.textContent ?? "")) el.textContent = answer.display;
    }
  }

  function shown(answer: Answer & { number: string }) {
    const run = () => {
      swap(document.body, answer);
      // Pages that change after load: what is added or rewritten is swapped too (our own writes find nothing more to change).
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.type === "characterData") swap(r.target, answer);
          else r.addedNodes.forEach((n) => swap(n, answer));
          if (r.type === "attributes") swap(r.target, answer);
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ["href", "class"] });
    };
    if (document.body) run();
    else document.addEventListener("DOMContentLoaded", run);
  }

  fetch(new URL("/dni/visits", script.src).href, {
    method: "POST",
    // As text: a simple request, with no preflight round trip first.
    headers: { "Content-Type": "text/plain" },
    body: JSON.stringify({ tenant, visitId: read(local, VISIT), url: location.href, referrer: document.referrer, landingPage: landing }),
    credentials: "omit",
  })
    .then((res) => (res.ok ? (res.json() as Promise<Answer>) : null))
    .then((answer) => {
      if (!answer) return;
      write(local, VISIT, answer.visitId);
      if (answer.number) shown(answer as Answer & { number: string });
    })
    .catch(() => {
      // Switchboard unreachable: the page keeps its own number.
    });
}

const script = (document.currentScript ?? document.querySelector("script[data-switchboard]")) as HTMLScriptElement | null;
const tenant = script?.dataset.switchboard;
if (script && tenant) start(script, tenant);
