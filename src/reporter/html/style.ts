// The report's stylesheet, inlined into every report (no outside file, works offline and mailed).
export const STYLE = `
:root{--ok:#3f9b4f;--changed:#d9950f;--failed:#d23c3c;--skipped:#9aa4ad;--unreach:#7a1c1c;--handler:#7b4fc9;--rescue:#2f6fd1;--always:#178a8a;--fg:#1d2329;--muted:#66707a;--line:#e3e7eb}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:20px 24px 60px;background:#fff;min-height:100vh}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.muted{color:var(--muted)}.src{font-size:12px;margin-top:2px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}dt{color:var(--muted)}dd{margin:0}
.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;font-weight:600;color:#fff;background:var(--muted);vertical-align:middle}
.badge.ok{background:var(--ok)}.badge.changed{background:var(--changed)}.badge.failed{background:var(--failed)}.badge.skipped{background:var(--skipped)}.badge.unreachable{background:var(--unreach)}
.badge.handler{background:var(--handler)}.badge.rescue{background:var(--rescue)}.badge.always{background:var(--always)}.badge.check{background:#445}.badge.unfinished{background:#888}.badge.ignored{opacity:.6}
.scroll{overflow-x:auto}svg.timeline{font-size:12px;display:block}
svg .play0{fill:#f3f6fa}svg .play1{fill:#e9eef5}svg .playname{fill:#4a5560;font-weight:600}svg .host{fill:var(--fg)}
svg .row{stroke:var(--line)}svg .axis,svg .tick{stroke:#9aa4ad}svg .ticklabel{fill:var(--muted)}
svg .bar{stroke:none}svg .bar.ok{fill:var(--ok)}svg .bar.changed{fill:var(--changed)}svg .bar.failed{fill:var(--failed)}svg .bar.skipped{fill:var(--skipped);opacity:.5}svg .bar.unreachable{fill:var(--unreach)}
svg .bar.ignored{opacity:.45}svg .bar.handler{stroke:var(--handler);stroke-width:2}svg .bar.rescue{stroke:var(--rescue);stroke-width:2}svg .bar.always{stroke:var(--always);stroke-width:2}
svg .failmark{fill:var(--failed)}svg .failmark.ignored{opacity:.45}
svg .win.outage{fill:rgba(210,60,60,.13);stroke:var(--failed);stroke-dasharray:4 3}svg .win.rollback{fill:rgba(47,111,209,.12);stroke:var(--rescue);stroke-dasharray:4 3}
svg .winlabel{font-weight:700}svg .winlabel.outage{fill:var(--failed)}svg .winlabel.rollback{fill:var(--rescue)}
.legend{font-size:12px;color:var(--muted)}.sw{display:inline-block;width:12px;height:10px;margin:0 3px 0 10px;vertical-align:middle;border-radius:2px}
.sw.ok{background:var(--ok)}.sw.changed{background:var(--changed)}.sw.failed{background:var(--failed)}.sw.skipped{background:var(--skipped)}.sw.unreachable{background:var(--unreach)}
.sw.handler{border:2px solid var(--handler)}.sw.rescue{border:2px solid var(--rescue)}.sw.always{border:2px solid var(--always)}.sw.outage{background:rgba(210,60,60,.2);border:1px dashed var(--failed)}
table{border-collapse:collapse;margin:6px 0 10px}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--line);vertical-align:top}thead th{font-size:12px;color:var(--muted);font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}table.recap td{text-align:right;font-variant-numeric:tabular-nums}td.zero{color:#b8c0c7}
table.recap td.changed{color:var(--changed);font-weight:600}table.recap td.failed,table.recap td.unreachable{color:var(--failed);font-weight:700}table.recap td.ok{color:var(--ok)}
th.ok{color:var(--ok)}th.changed{color:var(--changed)}th.failed{color:var(--failed)}
pre{margin:0;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-word}
pre.diff{background:#fafbfc;border:1px solid var(--line);padding:8px;margin:6px 0}pre.diff .add{color:#1f7a32;background:#e9f7ec}pre.diff .del{color:#a52a2a;background:#fbeaea}pre.diff .hunk{color:#2f6fd1}pre.diff .hd{color:var(--muted)}
details{margin:4px 0}summary{cursor:pointer}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}.card{border:1px solid var(--line);border-left:5px solid var(--muted);border-radius:6px;padding:8px 14px;min-width:190px}
.card.outage{border-left-color:var(--failed)}.card.ok{border-left-color:var(--ok)}.card.failed{border-left-color:var(--failed)}.cardtitle{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}.big{font-size:22px;font-weight:700}
ul.warnings li{color:#8a5a00}
`
