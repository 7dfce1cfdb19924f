using System.Reflection;
using OrleansHub.Runtime.Activation;

namespace OrleansHub.Runtime.Calls;

internal sealed class GrainFactory(GrainTypeRegistry types, IGrainCallInvoker invoker) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey =>
        Create<TGrainInterface>(primaryKey, newGrain: false);

    public TGrainInterface GetNewGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey =>
        Create<TGrainInterface>(primaryKey, newGrain: true);

    private TGrainInterface Create<TGrainInterface>(string primaryKey, bool newGrain)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(primaryKey);
        var grainClass = types.ForInterface(typeof(TGrainInterface));
        var reference = DispatchProxy.Create<TGrainInterface, GrainReference>();
        ((GrainReference)(object)reference).Initialize(new GrainId(grainClass.TypeName, primaryKey), invoker, newGrain);
        return reference;
    }
}
