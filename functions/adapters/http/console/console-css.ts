/** The console's one stylesheet (served at /console/assets/console.css: the CSP allows no inline style). */
export const CONSOLE_CSS = `
*, *::before, *::after { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2937; background: #f3f4f6; margin: 0; }
a { color: #1d4ed8; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; }
.skip:focus { left: 0; }
header { background: #111827; color: #fff; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; }
header .brand { font-weight: bold; margin-right: auto; }
header a { color: #fff; }
header form { margin: 0; }
header button { background: transparent; border: 1px solid #9ca3af; color: #fff; padding: .25rem .75rem; }
header .who { color: #d1d5db; font-size: .875rem; }
main { max-width: 64rem; margin: 1.5rem auto; background: #fff; padding: 1.5rem; border-radius: 8px; }
main.narrow { max-width: 32rem; }
h1 { font-size: 1.5rem; margin-top: 0; overflow-wrap: anywhere; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type=email], input[type=text], input[type=url], input[type=number], input[type=datetime-local], textarea, select { font: inherit; padding: .5rem; border: 1px solid #6b7280; border-radius: 4px; width: 100%; max-width: 24rem; }
button { font: inherit; background: #1d4ed8; color: #fff; border: 0; padding: .6rem 1.1rem; border-radius: 6px; cursor: pointer; }
.field { margin-bottom: 1rem; }
.muted { color: #4b5563; }
.wrap { overflow-wrap: anywhere; }
.error { color: #991b1b; }
.filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; margin-bottom: 1rem; }
.filters .field { margin: 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .5rem; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
th { font-size: .875rem; color: #374151; }
caption { text-align: left; padding-bottom: .25rem; }
.status { display: inline-block; padding: 0 .5rem; border-radius: 999px; background: #e5e7eb; font-size: .875rem; }
.status-sending, .status-queued { background: #dbeafe; }
.status-sent { background: #dcfce7; }
.status-paused { background: #fef3c7; }
.status-failed, .status-cancelled { background: #fee2e2; }
textarea { max-width: 100%; width: 100%; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
input[type=text], input[type=url] { max-width: 40rem; }
input[type=number] { max-width: 8rem; }
fieldset { border: 1px solid #d1d5db; border-radius: 6px; padding: .75rem 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
.check { display: flex; gap: .5rem; align-items: center; margin: .25rem 0; }
.check label { display: inline; font-weight: normal; margin: 0; }
.channel { border-top: 1px solid #e5e7eb; padding: .5rem 0; }
.channel:first-of-type { border-top: 0; }
.hint { color: #4b5563; font-size: .875rem; margin: 0 0 .25rem; }
.count { font-size: .875rem; margin: .25rem 0 0; }
.notice { background: #dcfce7; padding: .5rem .75rem; border-radius: 6px; }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
.actions .hint { flex-basis: 100%; }
button.secondary { background: #fff; color: #1d4ed8; border: 2px solid #1d4ed8; }
button.publish { background: #166534; }
button:disabled { background: #6b7280; color: #fff; cursor: not-allowed; }
.frames { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.frames figure { margin: 0; max-width: 100%; overflow-x: auto; }
.frames figure:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.frames iframe { border: 1px solid #9ca3af; background: #fff; display: block; }
.findings li { margin-bottom: .25rem; }
progress { width: 8rem; max-width: 100%; }
.paging { display: flex; gap: 1rem; margin-top: 1rem; }
input[type=text], input[type=file], textarea { font: inherit; padding: .5rem; border: 1px solid #6b7280; border-radius: 4px; width: 100%; max-width: 24rem; }
textarea { max-width: 32rem; }
input[type=checkbox] { width: 1.1rem; height: 1.1rem; margin: .2rem 0 0; flex: none; }
input:focus-visible, textarea:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.check { display: flex; gap: .5rem; align-items: flex-start; margin-bottom: .5rem; }
.check label { font-weight: normal; margin: 0; }
fieldset { border: 1px solid #d1d5db; border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; min-width: 0; }
legend { font-weight: 600; padding: 0 .25rem; }
.columns { display: flex; flex-wrap: wrap; gap: 1rem; }
.columns fieldset { flex: 1 1 16rem; }
button.secondary { background: #fff; color: #1d4ed8; border: 1px solid #1d4ed8; padding: .3rem .8rem; }
button.danger { background: #b91c1c; }
.actions { white-space: nowrap; }
.actions form { display: inline-block; margin: 0 .25rem .25rem 0; }
.error-summary { border: 2px solid #991b1b; border-radius: 6px; padding: .5rem 1rem; margin-bottom: 1rem; color: #991b1b; }
.error-summary h2 { font-size: 1.1rem; margin: .25rem 0; }
.notice { border-left: 4px solid #15803d; background: #f0fdf4; padding: .5rem 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table.summary { width: auto; margin-bottom: 1rem; }
table.summary th { min-width: 10rem; }
.links { padding-left: 1.25rem; }
code { background: #f3f4f6; padding: 0 .2rem; border-radius: 3px; }
.status-confirmed, .status-done { background: #dcfce7; }
.status-pending, .status-running { background: #dbeafe; }
.status-unsubscribed, .status-archived { background: #e5e7eb; }
.crumbs { margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; }
section + section { border-top: 1px solid #e5e7eb; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.bar { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin-bottom: 1rem; }
.bar progress { width: 20rem; height: 1.25rem; }
.counts { display: grid; grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr)); gap: .75rem; margin: 0 0 1rem; }
.counts div { border: 1px solid #d1d5db; border-radius: 6px; padding: .5rem .75rem; }
.counts dt { font-size: .875rem; color: #374151; }
.counts dd { margin: 0; font-size: 1.25rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.warning { background: #fef3c7; border-left: 4px solid #92400e; padding: .5rem .75rem; }
.controls { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: center; }
.controls form, .controls p { margin: 0; }
[hidden] { display: none !important; }
.danger-link { color: #991b1b; font-weight: 600; }
.status-posted { background: #dcfce7; }
.status-scheduled, .status-posting { background: #dbeafe; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: 0; }
form.inline select { width: auto; }
input.token { font-family: ui-monospace, monospace; max-width: 100%; }
.notice h2 { margin-top: 0; font-size: 1.125rem; }
.ua { display: block; font-size: .8125rem; overflow-wrap: anywhere; }
code { overflow-wrap: anywhere; }
@media (max-width: 40rem) {
  main { margin: 0; border-radius: 0; padding: 1rem; }
  thead { position: absolute; left: -9999px; }
  table, caption, tbody, tr, td { display: block; width: 100%; }
  tr { border-bottom: 1px solid #d1d5db; padding: .5rem 0; }
  td { border: 0; padding: .25rem 0; }
  td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
  table.summary tr { display: flex; gap: 1rem; }
  table.summary th, table.summary td { border: 0; padding: .1rem 0; }
  dl.facts { grid-template-columns: 1fr; }
  .actions { white-space: normal; }
}
`;
