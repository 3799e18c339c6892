import { html, type Html } from './html.js';
import { dirOf, languageNames, languages, pageLanguage } from './i18n.js';

/**
 * The page shell: `lang` and `dir` from the viewer's language (Persian right
 * to left), one stylesheet and one small script from /assets (no inline
 * script, so the server's Content-Security-Policy can forbid it), a skip
 * link and a main landmark for screen readers.
 */

export type NavLink = Readonly<{ href: string; label: string; current?: boolean }>;

export type PageOptions = Readonly<{
  language: string | undefined;
  title: string;
  nav?: readonly NavLink[];
  /** Present when someone is logged in: the logout form needs the CSRF token. */
  logout?: Readonly<{ action: string; csrf: string; label: string }>;
  /** A notice at the top (a refusal, a confirmation), announced to screen readers. */
  flash?: Readonly<{ kind: 'error' | 'ok'; text: string }>;
  /** Offer the language picker (portal pages). */
  languagePicker?: boolean;
}>;

export const page = (options: PageOptions, body: Html): Html => {
  const lang = pageLanguage(options.language);
  return html`<!doctype html>
    <html lang="${lang}" dir="${dirOf(lang)}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <script src="/assets/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <nav aria-label="main">
            ${(options.nav ?? []).map(
              (link) =>
                html`<a href="${link.href}" ${link.current === true ? html` aria-current="page"` : ''}
                  >${link.label}</a
                > `,
            )}
          </nav>
          ${
            options.languagePicker === true
              ? html`<form method="get" class="lang">
                  <label
                    >🌐
                    <select name="lang" data-autosubmit>
                      ${languages.map(
                        (code) =>
                          html`<option value="${code}" ${code === lang ? html` selected` : ''}>
                            ${languageNames[code]}
                          </option>`,
                      )}
                    </select></label
                  ><noscript><button>OK</button></noscript>
                </form>`
              : ''
          }
          ${
            options.logout === undefined
              ? ''
              : html`<form method="post" action="${options.logout.action}" class="logout">
                  <input type="hidden" name="_csrf" value="${options.logout.csrf}" /><button>
                    ${options.logout.label}
                  </button>
                </form>`
          }
        </header>
        <main id="main">
          <h1>${options.title}</h1>
          ${options.flash === undefined ? '' : html`<p class="flash ${options.flash.kind}" role="${options.flash.kind === 'error' ? 'alert' : 'status'}">${options.flash.text}</p>`}
          ${body}
        </main>
      </body>
    </html>`;
};

export const appCss = `
body{font-family:system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{display:flex;gap:1rem;align-items:center;padding:.5rem 1rem;background:#23395d;color:#fff;flex-wrap:wrap}
header a{color:#fff;margin-inline-end:1rem}header a[aria-current]{font-weight:bold;text-decoration:underline}
header form{margin:0}main{padding:1rem 2rem;max-width:80rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;background:#fff}th,td{border:1px solid #ccd;padding:.3rem .6rem;text-align:start;vertical-align:top}
th{background:#eef}fieldset{border:1px solid #ccd;margin:0 0 1rem;background:#fff;padding:.6rem 1rem}
legend{font-weight:bold}label{display:block;margin:.3rem 0}label.inline{display:inline-block;margin-inline-end:1rem}
input[type=text],input[type=email],input[type=password],input[type=number],input[type=datetime-local],select,textarea{font:inherit;padding:.2rem;min-width:14rem}
textarea{width:30rem;max-width:100%;height:4rem}button{font:inherit;padding:.3rem .9rem;margin-top:.3rem;cursor:pointer}
.flash{padding:.5rem 1rem;border-radius:4px}.flash.error{background:#fde2e1;border:1px solid #c00}.flash.ok{background:#e1f5e1;border:1px solid #080}
.actions{display:grid;grid-template-columns:repeat(auto-fill,minmax(24rem,1fr));gap:1rem}
.qr{width:160px;height:160px;image-rendering:pixelated;border:1px solid #ccd;background:#fff}
.muted{color:#667}.mono{font-family:ui-monospace,monospace;white-space:pre-wrap}
.filters label{display:inline-block;margin-inline-end:1rem}
@media print{header,.actions,.noprint{display:none}}
`;

/** The little script: auto-submitting pickers, a confirmation before destructive actions, print buttons. */
export const appJs = `
document.addEventListener('change', function (e) {
  var t = e.target;
  if (t && t.matches && t.matches('[data-autosubmit]') && t.form) t.form.submit();
});
document.addEventListener('submit', function (e) {
  var f = e.target;
  var q = f && f.getAttribute && f.getAttribute('data-confirm');
  if (q && !window.confirm(q)) e.preventDefault();
});
document.addEventListener('click', function (e) {
  var t = e.target;
  if (t && t.matches && t.matches('[data-print]')) { e.preventDefault(); window.print(); }
});
`;
