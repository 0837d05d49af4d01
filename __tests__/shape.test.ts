import { RemoteError } from '../src/core/errors.js';
import { expectShape, z } from '../src/transport/shape.js';

const Pipeline = z.object({
  id: z.number(),
  status: z.string(),
  jobs: z.array(z.object({ name: z.string() }))
});
const of = { system: 'GitLab', call: 'GET pipeline 7' };

describe('expectShape', () => {
  test('returns the answer, keeping what it relies on', () => {
    expect(expectShape(Pipeline, { id: 7, status: 'running', jobs: [], extra: 1 }, of)).toMatchObject({
      id: 7,
      status: 'running'
    });
  });

  test('an object where a list was expected is one sentence naming the system, the call and the field', () => {
    let error: unknown;
    try {
      expectShape(Pipeline, { id: 7, status: 'running', jobs: { message: 'proxy' } }, of);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as Error).message).toBe(
      "GitLab's answer to GET pipeline 7 is not what ci-relay expected: 'jobs' should be a list, not an object. Is this server's API a version ci-relay supports, or is a proxy in between?"
    );
  });

  test('a missing field and a wrong whole answer are named', () => {
    expect(() => expectShape(Pipeline, { id: 7, jobs: [] }, of)).toThrow(
      "'status' should be a string, not missing"
    );
    expect(() => expectShape(Pipeline, [1, 2], of)).toThrow('the answer should be an object, not a list');
    expect(() => expectShape(Pipeline, { id: '7', status: 's', jobs: [] }, of)).toThrow(
      `'id' should be a number, not a string ("7")`
    );
  });
});
