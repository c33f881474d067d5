import { Hono, type Context } from 'hono';
import { encodeModelInfo, encodeModelInfoList, type AnthropicModels } from '../../anthropic/index.js';
import { encodeModelList } from '../../openai/index.js';
import type { ModelCatalog } from '../../pool/model-catalog.js';
import '../render-error.js';

/**
 * `GET /v1/models` (and `GET /v1/models/{id}`): what the pool can serve, in OpenAI's shape — or in
 * Anthropic's (with its error shape) when the request carries `anthropic-version`, as the Anthropic
 * SDKs' requests do; those also know the `claude-*` names `anthropic` resolves.
 */
export function modelsRoutes(catalog: ModelCatalog, anthropic?: AnthropicModels): Hono {
  const app = new Hono();
  const anthropicRequest = (c: Context): AnthropicModels | null => {
    if (anthropic === undefined || c.req.header('anthropic-version') === undefined) return null;
    c.set('errorShape', 'anthropic');
    return anthropic;
  };
  app.get('/v1/models', async (c) => {
    const models = anthropicRequest(c);
    await catalog.refresh(); // lists what accounts added elsewhere a moment ago serve too
    return c.json(models === null ? encodeModelList(catalog.list()) : encodeModelInfoList(models.list()));
  });
  app.get('/v1/models/:id{.+}', async (c) => {
    const id = c.req.param('id');
    const models = anthropicRequest(c);
    if (models !== null) {
      if (models.lookup(id) === null) await models.resolveAfterLook(id);
      return c.json(encodeModelInfo(id));
    }
    if (catalog.lookup(id) === null) await catalog.resolveAfterLook(id);
    const [entry] = encodeModelList(catalog.list().filter((model) => model.id === id)).data;
    return c.json(entry);
  });
  return app;
}
