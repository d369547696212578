// Code blocks without style="" attributes. Shiki writes each token's colours inline
// (style="color:#0A3069;--shiki-dark:#A5D6FF"), which the site's Content-Security-Policy refuses
// (style-src 'self', no 'unsafe-inline': see src/csp.mjs). The transformer below turns every
// declaration into a class (color:#0A3069 -> sl-c-0a3069, --shiki-dark:#A5D6FF -> sd-c-a5d6ff), and
// the stylesheet `virtual:code-classes.css` (imported by src/layouts/Base.astro) has a rule for
// every class the two themes can produce: each colour of the themes, the font styles, the layout
// Astro adds. A declaration outside that set fails the build with the declaration named, rather
// than leaving a code block unstyled or refused by the policy.

const VIRTUAL_ID = "virtual:code-classes.css";
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

/** CSS properties of a token, with their short names in the classes. */
const PROPS = /** @type {const} */ ({
  color: "c",
  "background-color": "bg",
  "font-style": "fs",
  "font-weight": "fw",
  "text-decoration": "td",
});

/** Values of the font properties Shiki can write (`inherit` when only the other theme has one). */
const FONT_VALUES = {
  "font-style": ["italic", "inherit"],
  "font-weight": ["bold", "inherit"],
  "text-decoration": ["underline", "line-through", "underline line-through", "inherit"],
};

/** Declarations Astro adds to the <pre> of every block (and to a diff's +/- marker). */
const LAYOUT = {
  "overflow-x:auto": "sx-overflow",
  "white-space:pre-wrap": "sx-wrap",
  "word-wrap:break-word": "sx-break",
  "user-select:none": "sx-noselect",
};
const LAYOUT_CSS = {
  "sx-overflow": "overflow-x: auto",
  "sx-wrap": "white-space: pre-wrap",
  "sx-break": "overflow-wrap: break-word",
  "sx-noselect": "user-select: none",
};

const slug = (/** @type {string} */ value) => value.toLowerCase().replace(/^#/, "").replace(/\s+/g, "-");

/** The colours a theme gives tokens: its editor foreground and background, and every token colour. */
function themeColors(/** @type {any} */ theme) {
  const colors = new Set(["inherit"]);
  const add = (/** @type {unknown} */ c) => typeof c === "string" && /^#[0-9a-f]{3,8}$/i.test(c) && colors.add(c.toLowerCase());
  add(theme.colors?.["editor.foreground"] ?? theme.fg);
  add(theme.colors?.["editor.background"] ?? theme.bg);
  for (const t of theme.tokenColors ?? theme.settings ?? []) {
    add(t.settings?.foreground);
    add(t.settings?.background);
  }
  return colors;
}

/**
 * The transformer and the stylesheet for Shiki themes given as Astro's `shikiConfig.themes`
 * (a light and a dark bundled theme; the light one is Shiki's default colour).
 * @param {{ light: string, dark: string }} themes
 */
export async function codeClasses(themes) {
  const { bundledThemes } = await import("shiki");
  /** @param {string} name */
  const load = async (name) => {
    const entry = /** @type {Record<string, () => Promise<{ default: unknown }>>} */ (bundledThemes)[name];
    if (!entry) throw new Error(`code-classes: unknown Shiki theme ${name}`);
    return (await entry()).default;
  };
  /** @type {Record<"sl" | "sd", Set<string>>} */
  const palette = { sl: themeColors(await load(themes.light)), sd: themeColors(await load(themes.dark)) };

  /** The class for one declaration (`prop:value`, as Shiki and Astro write it), or an error. */
  function classOf(/** @type {string} */ declaration) {
    const colon = declaration.indexOf(":");
    const prop = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).trim().toLowerCase();
    const layout = /** @type {Record<string, string>} */ (LAYOUT)[`${prop}:${value}`];
    if (layout) return layout;
    // --shiki-dark is the dark colour, --shiki-dark-bg its background, --shiki-dark-font-style ...
    const dark = /^--shiki-dark(?:-(bg|font-style|font-weight|text-decoration))?$/.exec(prop);
    const variant = dark ? "sd" : "sl";
    const name = dark ? (dark[1] === "bg" ? "background-color" : (dark[1] ?? "color")) : prop;
    const short = /** @type {Record<string, string>} */ (PROPS)[name];
    const known =
      name === "color" || name === "background-color"
        ? palette[variant].has(value)
        : /** @type {Record<string, string[]>} */ (FONT_VALUES)[name]?.includes(value);
    if (!short || !known) {
      throw new Error(
        `code-classes: no class for the code block style "${declaration}" (src/lib/code-classes.mjs knows the ` +
          `colours of ${themes.light} and ${themes.dark}, their font styles and Astro's layout)`,
      );
    }
    return `${variant}-${short}-${slug(value)}`;
  }

  /** Every element's style="" becomes classes. @param {any} node */
  function restyle(node) {
    const style = node.properties?.style;
    if (typeof style === "string") {
      const classes = style
        .split(";")
        .map((d) => d.trim())
        .filter(Boolean)
        .map(classOf);
      const own = node.properties.class;
      const before = Array.isArray(own) ? own : typeof own === "string" && own ? own.split(/\s+/) : [];
      node.properties.class = [...new Set([...before, ...classes])].join(" ");
      delete node.properties.style;
    }
    for (const child of node.children ?? []) restyle(child);
  }

  /** @type {import("shiki").ShikiTransformer} */
  const transformer = {
    name: "criu-doctor:code-classes",
    // After every other hook (Astro's own transformer adds overflow-x to <pre>).
    root(hast) {
      restyle(hast);
    },
  };

  /** The stylesheet: light classes, then dark ones for readers who prefer dark. */
  function css() {
    /** @param {"sl" | "sd"} variant */
    const rules = (variant) => {
      const out = [];
      for (const c of palette[variant]) {
        for (const name of /** @type {const} */ (["color", "background-color"])) {
          const cls = `${variant}-${PROPS[name]}-${slug(c)}`;
          out.push(`.astro-code.${cls}, .astro-code .${cls} { ${name}: ${c}; }`);
        }
      }
      for (const [name, values] of Object.entries(FONT_VALUES)) {
        for (const v of values) {
          const cls = `${variant}-${/** @type {Record<string, string>} */ (PROPS)[name]}-${slug(v)}`;
          out.push(`.astro-code.${cls}, .astro-code .${cls} { ${name}: ${v}; }`);
        }
      }
      return out.join("\n");
    };
    const layout = Object.entries(LAYOUT_CSS)
      .map(([cls, decl]) => `.astro-code.${cls}, .astro-code .${cls} { ${decl}; }`)
      .join("\n");
    return (
      "/* Generated by src/lib/code-classes.mjs: the colours of code blocks, light then dark. */\n" +
      `${layout}\n${rules("sl")}\n@media (prefers-color-scheme: dark) {\n${rules("sd")}\n}\n`
    );
  }

  /** A Vite plugin that serves the stylesheet as `virtual:code-classes.css`. @returns {import("vite").Plugin} */
  const vitePlugin = () => ({
    name: "criu-doctor:code-classes",
    resolveId: (id) => (id === VIRTUAL_ID ? RESOLVED_ID : undefined),
    load: (id) => (id === RESOLVED_ID ? css() : undefined),
  });

  return { transformer, css, vitePlugin, classOf };
}
