/** `creator.access`: who may enter the creator center, through the local cloud with the real wx-server-sdk. */
import { startWorld, type World } from '../../../testing/learning-world';
import { admitCreatorAdmins } from '../../../testing/promo-world';

let world: World;

beforeAll(async () => {
  world = await startWorld();
  await world.db.collection('creators').add({
    data: [
      { _id: 'lin', name: '林老师' },
      { _id: 'wang', name: '王老师' },
    ],
  });
  await admitCreatorAdmins(world.db, { 'o-two': ['wang', 'not-imported', 'lin'], 'o-emptied': [] });
});
afterAll(() => world.close());

const access = (openid: string) => world.call('creator', openid, { action: 'access' });

test('a learner, or an admin whose creators were all taken away, may not enter: an empty list, not an error', async () => {
  expect(await access('o-learner')).toEqual({ ok: true, data: { creators: [] } });
  expect(await access('o-emptied')).toEqual({ ok: true, data: { creators: [] } });
});

test("an admin's creators in their document's order; one not imported yet by its id", async () => {
  expect(await access('o-two')).toEqual({
    ok: true,
    data: {
      creators: [
        { id: 'wang', name: '王老师' },
        { id: 'not-imported', name: 'not-imported' },
        { id: 'lin', name: '林老师' },
      ],
    },
  });
});

test('takes no parameters', async () => {
  const reply = await world.call('creator', 'o-two', { action: 'access', creatorId: 'lin' });
  expect(reply.error?.code).toBe('INVALID_ARGUMENT');
});
