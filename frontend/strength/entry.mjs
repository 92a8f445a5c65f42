// The password strength estimator the browser loads on demand as /pkg/strength.js
// (app/src/ui/strength.rs): zxcvbn-ts with the common passwords and the English, French and
// Dutch word lists, since those are the languages people here make passwords from.
// scripts/build-site.sh bundles it with esbuild into one minified ES module.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
// Each language's lists one by one rather than its whole dictionary: the Wikipedia word lists
// and the English and Dutch last names (about 1.2 MB of the 2.7 MB the packages hold) are left
// out; they rarely change a score that the common passwords and words leave unchanged.
import enWords from '@zxcvbn-ts/language-en/dist/commonWords.json.mjs';
import enFirstnames from '@zxcvbn-ts/language-en/dist/firstnames.json.mjs';
import frWords from '@zxcvbn-ts/language-fr/dist/commonWords.json.mjs';
import frFirstnames from '@zxcvbn-ts/language-fr/dist/firstnames.json.mjs';
import frLastnames from '@zxcvbn-ts/language-fr/dist/lastnames.json.mjs';
import nlWords from '@zxcvbn-ts/language-nl-be/dist/commonWords.json.esm.js';
import nlBoys from '@zxcvbn-ts/language-nl-be/dist/boysFirstnames.json.esm.js';
import nlGirls from '@zxcvbn-ts/language-nl-be/dist/girlsFirstnames.json.esm.js';

// The Dutch package is still of the 3.x format: each list one comma-separated string. Core 4
// wants arrays.
const list = (words) => (typeof words === 'string' ? words.split(',') : words);

const DICTIONARY = {
  ...common.dictionary,
  'commonWords-en': enWords,
  'firstnames-en': enFirstnames,
  'commonWords-fr': frWords,
  'firstnames-fr': frFirstnames,
  'lastnames-fr': frLastnames,
  'commonWords-nl': list(nlWords),
  'firstnames-nl': [...list(nlBoys), ...list(nlGirls)],
};

// Matching beyond this length only costs time: such a password is rated on its first part.
const MAX_LENGTH = 128;
// The library tries up to 100 l33t readings of a password ("p4ssw0rd" as "password"); 10 give
// the same scores on the common substitutions at a tenth of the time (some 300 ms down to 30 ms
// a check), which keeps typing smooth on a slow device.
const L33T_MAX_SUBSTITUTIONS = 10;

let estimator = null;

// Built on the first call: the ranked dictionaries take a moment, paid only by someone who types.
function zxcvbn() {
  estimator ??= new ZxcvbnFactory({
    dictionary: DICTIONARY,
    graphs: common.adjacencyGraphs,
    maxLength: MAX_LENGTH,
    l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
  });
  return estimator;
}

/**
 * The zxcvbn score of `password`, 0 (too guessable) to 4 (very unguessable). `userInputs`: words
 * the person is known by (email, name), which make a password weaker when it contains them.
 */
export function score(password, userInputs) {
  if (typeof password !== 'string' || password.length === 0) {
    return 0;
  }
  const inputs = Array.isArray(userInputs) ? userInputs.filter((w) => typeof w === 'string') : [];
  return zxcvbn().check(password.slice(0, MAX_LENGTH), inputs).score;
}
