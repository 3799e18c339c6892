import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { storeError } from '../errors.js';

/**
 * PGlite opens a data directory that another instance already has open, and
 * two writers then corrupt it (two runs of the demo at once would). A lock
 * file beside the directory, holding the owner's pid, turns that into a clear
 * error. A lock left by a process that no longer runs is taken over.
 */
export type DataDirLock = Readonly<{ release: () => Promise<void> }>;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export const lockDataDir = async (dataDir: string): Promise<DataDirLock> => {
  const path = `${resolve(dataDir)}.lock`;
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(String(process.pid));
      await file.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && alive(owner))
      throw storeError(
        'data-dir-locked',
        `the PGlite data directory ${resolve(dataDir)} is in use by process ${owner}${owner === process.pid ? ' (this one)' : ''}: ` +
          `one process at a time may open it (lock file ${path})`,
      );
    // Left behind by a process that is gone.
    await rm(path, { force: true });
  }
  throw storeError('data-dir-locked', `could not take the lock ${path} for the PGlite data directory`);
};
