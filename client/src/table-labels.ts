/**
 * On a phone a table's rows become cards and its header row is hidden, so each cell carries its
 * column's name (`data-label`, shown by the stylesheet). A cell that names itself keeps its own label;
 * every other cell takes its header's words. One pass after each change to the page's elements.
 */
function label(root: ParentNode) {
  for (const table of root.querySelectorAll("table")) {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent?.trim() ?? "");
    if (heads.length === 0) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => {
        const head = heads[i];
        if (cell.tagName === "TD" && head && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", head);
      });
    }
  }
}

export function labelTableCells(root: HTMLElement) {
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      label(root);
    });
  }).observe(root, { childList: true, subtree: true });
}
