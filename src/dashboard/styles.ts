/**
 * The dashboard's stylesheet: system fonts, light and dark colours from `prefers-color-scheme`,
 * the pool table as cards on narrow screens. Served as a file (the CSP allows no inline styles).
 */
export const DASHBOARD_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f7f7f8; --fg: #1b1d21; --muted: #5b6069; --card: #ffffff; --line: #d9dbe0;
  --accent: #1f5fbf; --ok: #17703a; --warn: #8a5a00; --bad: #b3261e; --off: #6b6f76;
  --chart-1: #1f5fbf; --chart-2: #b3261e; --chart-3: #17703a; --chart-4: #8a5a00; --chart-5: #7a3db8; --chart-6: #0f7b8a; --chart-7: #6b6f76;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #131417; --fg: #e6e7ea; --muted: #a3a8b1; --card: #1c1e22; --line: #33363c;
    --accent: #7fb0ff; --ok: #6fd08f; --warn: #f0c060; --bad: #ff8a80; --off: #9a9ea6;
    --chart-1: #7fb0ff; --chart-2: #ff8a80; --chart-3: #6fd08f; --chart-4: #f0c060; --chart-5: #c8a2ff; --chart-6: #5fd3e0; --chart-7: #9a9ea6;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.92em; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: var(--card); padding: 6px 10px; z-index: 2; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 20px; padding: 10px 20px; background: var(--card); border-bottom: 1px solid var(--line); }
.brand { margin: 0; font-weight: 700; font-size: 1.1em; }
.brand a { color: inherit; text-decoration: none; }
nav ul { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; margin: 0; padding: 0; }
.logout { margin-left: auto; }
main { max-width: 1280px; margin: 0 auto; padding: 12px 20px 40px; }
main:focus { outline: none; }
section { margin-top: 20px; }
h1 { font-size: 1.4em; }
h2 { font-size: 1.25em; margin: 0 0 10px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 1.05em; margin: 18px 0 8px; }
.note, .detail { color: var(--muted); font-size: 0.88em; }
.detail { display: block; }
button, .button { font: inherit; font-size: 0.9em; padding: 5px 11px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); color: var(--fg); cursor: pointer; text-decoration: none; display: inline-block; }
button:hover, .button:hover { border-color: var(--accent); }
button[type=submit]:not(.danger) { border-color: var(--accent); }
.danger { color: var(--bad); border-color: var(--bad); }
input { font: inherit; padding: 6px 8px; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); width: 100%; }
label { display: block; font-weight: 600; margin-top: 10px; }
form { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
.card h3 { margin-top: 0; }
.card button { margin-top: 10px; }
.login { max-width: 420px; }
.confirm { display: flex; gap: 12px; align-items: center; }
.flash { padding: 10px 14px; border-radius: 8px; border: 1px solid; background: var(--card); }
.flash.ok { border-color: var(--ok); }
.flash.error { border-color: var(--bad); }
.totals { display: grid; grid-template-columns: repeat(auto-fill, minmax(92px, 1fr)); gap: 8px; margin: 0 0 14px; }
.totals div { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; }
.totals dt { color: var(--muted); font-size: 0.8em; }
.totals dd { margin: 0; font-size: 1.25em; font-weight: 650; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; vertical-align: top; padding: 7px 10px; border-bottom: 1px solid var(--line); }
thead th { font-size: 0.82em; color: var(--muted); font-weight: 600; }
tbody th { font-weight: 600; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.error-text { max-width: 280px; overflow-wrap: anywhere; font-size: 0.88em; }
.actions { white-space: nowrap; }
.actions form { display: inline; }
.actions > * { margin: 0 4px 4px 0; }
.scroll { overflow-x: auto; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.82em; font-weight: 650; border: 1px solid currentColor; }
.badge.active { color: var(--ok); }
.badge.locked, .badge.cooling, .badge.unverified { color: var(--warn); }
.badge.expired, .badge.invalid { color: var(--bad); }
.badge.disabled, .badge.alias { color: var(--off); }
.badge.alias { margin-left: 6px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 14px; }
.chart { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; min-width: 0; }
.chart figcaption { font-weight: 600; margin-bottom: 6px; }
.plot { min-height: 200px; }
.uplot, .uplot * { color: var(--fg); }
@media (max-width: 760px) {
  header.top { padding: 8px 12px; }
  main { padding: 8px 12px 32px; }
  .charts { grid-template-columns: 1fr; }
  table.pool thead { display: none; }
  table.pool, table.pool tbody, table.pool tr, table.pool th, table.pool td { display: block; width: 100%; }
  table.pool { background: none; }
  table.pool tr { background: var(--card); border: 1px solid var(--line); border-radius: 8px; margin-bottom: 12px; padding: 4px 0; }
  table.pool th, table.pool td { border: 0; padding: 4px 12px; }
  table.pool td::before { content: attr(data-label); display: block; color: var(--muted); font-size: 0.78em; font-weight: 600; }
  table.pool tbody th { font-size: 1.05em; }
  .actions { white-space: normal; }
  .error-text { max-width: none; }
}
`;
