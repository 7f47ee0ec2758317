import { en } from 'zod/locales';
import * as z from 'zod/mini';

/**
 * Classic zod registers its English messages when its first schema is built; zod/mini registers
 * none, so without this a mini schema's issues all read "Invalid input". Every module that builds
 * mini schemas imports this file for its side effect, so the messages are the same whichever flavour
 * (and whichever function's bundle) parses. Named imports, not a re-exported `z` namespace: that
 * would keep all of zod/mini (and every locale) in the bundle.
 */
z.config(en());
