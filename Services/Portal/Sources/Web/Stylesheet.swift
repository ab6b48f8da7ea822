/// The portal's one stylesheet: system fonts, high contrast (every text pair ≥ 4.5:1), a
/// visible focus ring, and a print form of the case page without navigation or forms.
enum Stylesheet {
    static let css = """
    :root { --ink: #1a1a1a; --muted: #4a4a4a; --line: #c8c8c8; --paper: #ffffff; --band: #f3f4f6;
            --accent: #0b4f8a; --accent-ink: #ffffff; --danger: #a4161a; --ok: #1b5e20; --warn: #7a4b00; }
    * { box-sizing: border-box; }
    html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 100%; color: var(--ink); background: var(--paper); }
    body { margin: 0; line-height: 1.5; }
    a { color: var(--accent); }
    a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus, main:focus { outline: 3px solid #f5b700; outline-offset: 2px; }
    .skip { position: absolute; left: -999px; top: 0; background: var(--paper); padding: .5rem 1rem; }
    .skip:focus { left: .5rem; z-index: 10; }
    header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem 2rem; padding: .75rem 1.5rem; background: var(--accent); color: var(--accent-ink); }
    header.top a, header.top .link { color: var(--accent-ink); }
    header.top ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
    header.top a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
    .brand a { font-weight: 800; font-size: 1.25rem; text-decoration: none; letter-spacing: .05em; }
    .user { flex-grow: 1; justify-content: flex-end; display: flex; gap: .75rem; align-items: baseline; flex-wrap: wrap; }
    .user .org { opacity: .95; }
    .languages span[aria-current] { font-weight: 700; text-decoration: underline; }
    .languages { margin-left: auto; }
    main { max-width: 72rem; margin: 0 auto; padding: 1.25rem 1.5rem 3rem; }
    main.wide { max-width: 90rem; }
    h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
    h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--line); padding-bottom: .25rem; }
    h3 { font-size: 1.05rem; margin: 1.25rem 0 .25rem; }
    table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
    caption { text-align: left; font-weight: 600; padding: .25rem 0; }
    th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { background: var(--band); font-weight: 600; }
    tbody th { background: none; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.5rem; margin: .5rem 0 1rem; }
    dl.facts dt { font-weight: 600; color: var(--muted); }
    dl.facts dd { margin: 0; }
    .badge { display: inline-block; padding: 0 .5rem; border-radius: .75rem; border: 1px solid currentColor; font-size: .875rem; }
    .overdue { color: var(--danger); font-weight: 600; }
    .muted { color: var(--muted); }
    .counts { display: flex; gap: 1rem; flex-wrap: wrap; margin: .5rem 0 1rem; padding: 0; list-style: none; }
    .counts li { background: var(--band); padding: .5rem 1rem; border-radius: .25rem; }
    .counts strong { font-size: 1.35rem; display: block; }
    form.stack { max-width: 40rem; }
    form.search { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: flex-start; }
    form.search .field { display: flex; flex-direction: column; }
    form.search .field .hint, form.search .field .field-error { order: 1; margin-top: .2rem; }
    form.search button { margin-top: 1.7rem; }
    .field { margin: 0 0 1rem; }
    .field label { display: block; font-weight: 600; margin-bottom: .2rem; }
    .field .hint { display: block; color: var(--muted); font-size: .9rem; }
    input[type=text], input[type=date], input[type=search], input[type=number], select, textarea { font: inherit; padding: .4rem .5rem; border: 2px solid #6b6b6b; border-radius: .2rem; width: 100%; max-width: 30rem; background: var(--paper); color: var(--ink); }
    textarea { min-height: 6rem; }
    .field.invalid input, .field.invalid select, .field.invalid textarea { border-color: var(--danger); }
    .field-error { color: var(--danger); font-weight: 600; margin: .2rem 0 0; }
    .problem { border: 2px solid var(--danger); border-left-width: .5rem; padding: .75rem 1rem; margin: 0 0 1.25rem; background: #fdf2f2; }
    .problem h2 { margin-top: 0; border: 0; font-size: 1.1rem; }
    .notice { border-left: .5rem solid var(--ok); background: #eef6ee; padding: .5rem 1rem; margin: 0 0 1rem; }
    .warning { border-left: .5rem solid var(--warn); background: #fff7e6; padding: .5rem 1rem; margin: 0 0 1rem; }
    button, .button { font: inherit; padding: .45rem 1rem; border-radius: .25rem; border: 2px solid var(--accent); background: var(--accent); color: var(--accent-ink); cursor: pointer; text-decoration: none; display: inline-block; }
    button.secondary, .button.secondary { background: var(--paper); color: var(--accent); }
    button.link { background: none; border: 0; padding: 0; text-decoration: underline; cursor: pointer; }
    form.inline { display: inline; }
    .sub-action { display: block; font-size: .875rem; }
    .actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0 1rem; padding: 0; list-style: none; }
    .actions a { display: inline-block; padding: .2rem .6rem; border: 1px solid var(--accent); border-radius: .25rem; text-decoration: none; font-size: .9375rem; }
    .toc { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; margin: 0 0 1rem; padding: .5rem 0; list-style: none; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
    .chart { margin: 1rem 0; max-width: 56rem; }
    .chart text { font: 13px system-ui, sans-serif; fill: #1a1a1a; }
    .chart text.label { font-weight: 600; }
    .signin-users { list-style: none; padding: 0; }
    .signin-users li { margin: .5rem 0; }
    @media print {
      header.top, .skip, .actions, form, .no-print { display: none !important; }
      main { max-width: none; padding: 0; }
      a { color: var(--ink); text-decoration: none; }
      h2 { break-after: avoid; }
      tr { break-inside: avoid; }
    }
    """
}

extension Stylesheet {
    /// Text for screen readers only (table captions the headings already show).
    static let utilities = """
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    """
}
