import { type ScriptModel, type ScriptVariable } from './script-model';

/**
 * The R script: each dataset becomes a data frame of its name, read with utils::read.csv (base R
 * only). Every column carries its label in attr(, "label"); a code variable is a factor (levels =
 * the numeric codes, labels = their labels), a boolean a 0/1 integer with attr(, "labels")
 * c(No = 0, Yes = 1), a date a Date and a datetime a POSIXct in UTC. The script is plain ASCII:
 * non-ASCII text is written as \u{…} escapes, so it runs in any locale.
 */

/** An R string literal, ASCII only. */
export function rString(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') {
      out += `\\${ch}`;
    } else if (cp >= 0x20 && cp < 0x7f) {
      out += ch;
    } else {
      out += `\\${cp > 0xffff ? 'U' : 'u'}{${cp.toString(16)}}`;
    }
  }
  return `"${out}"`;
}

const spec = (v: ScriptVariable) =>
  `  ${v.name} = list(${[v.type, v.label, ...(v.codeList ? [v.codeList.id] : [])]
    .map(rString)
    .join(', ')})`;

const READER = `ram_read <- function(file, label, vars) {
  data <- utils::read.csv(file, colClasses = "character", na.strings = "", encoding = "UTF-8",
                          check.names = FALSE, strip.white = FALSE)
  if (!identical(names(data), names(vars))) stop(file, ": the columns are not those of the script")
  for (name in names(vars)) {
    v <- vars[[name]]
    x <- data[[name]]
    x <- switch(v[[1]],
      string = gsub("\\r", "\\n", x, fixed = TRUE),
      integer = as.integer(x),
      decimal = as.numeric(x),
      date = as.Date(x, format = "%Y-%m-%d"),
      datetime = as.POSIXct(x, format = "%Y-%m-%d %H:%M:%S", tz = "UTC"),
      boolean = structure(as.integer(x), labels = c(No = 0L, Yes = 1L)),
      code = factor(as.integer(x), levels = as.integer(names(ram_codes[[v[[3]]]])),
                    labels = unname(ram_codes[[v[[3]]]])))
    attr(x, "label") <- v[[2]]
    data[[name]] <- x
  }
  attr(data, "label") <- label
  data
}`;

export function rScript(model: ScriptModel): string {
  const lists = model.codeLists
    .filter((l) => l.id !== 'yesno')
    .map(
      (l) =>
        `  ${l.id} = c(${l.codes.map((c) => `${rString(String(c.code))} = ${rString(c.label)}`).join(', ')})`,
    );
  return [
    ...model.header.map((l) => `# ${l}`),
    '# Each dataset becomes a data frame of its name. Labels: attr(x, "label"); code variables',
    '# are factors (levels = numeric codes), booleans 0/1 integers with attr(x, "labels"),',
    '# dates Date, datetimes POSIXct (UTC). Run: Rscript read_data.R, or source("read_data.R").',
    '',
    'ram_codes <- list(',
    lists.join(',\n'),
    ')',
    '',
    READER,
    ...model.datasets.flatMap((d) => [
      '',
      `${d.name} <- ram_read(${rString(d.file)}, ${rString(d.label)}, list(`,
      d.variables.map(spec).join(',\n'),
      '))',
    ]),
    '',
  ].join('\n');
}
